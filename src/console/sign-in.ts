import type { FastifyInstance } from 'fastify';
import { hasPermission } from '../core/auth/permissions.js';
import type { ConsoleDeps } from './deps.js';
import { html } from '../api/shared/html.js';
import { barePage, csrfField, flash } from './layout.js';
import type { ConsoleSessions } from '../core/auth/console-sessions.js';
import { sessionCookie } from './session.js';

function signInPage(csrfToken: string, error?: string) {
  return barePage(
    'Sign in',
    html`<div class="signin"><div class="panel">
  <div class="brand" style="color:var(--ink);padding:0 0 6px;font-size:1.4rem">Mail<span style="color:var(--accent)">room</span></div>
  <h1>Sign in</h1>
  <p class="sub">Use a key of your project: the admin or secret key printed at first start, or a scoped key (which then shows only what it may read).</p>
  ${flash(error, 'error')}
  <form method="post" action="/sign-in" class="stack">
    ${csrfField(csrfToken)}
    <label>Project key<input type="password" name="key" autocomplete="current-password" required placeholder="mr_ak_… or mr_sk_…"></label>
    <button type="submit">Sign in</button>
  </form>
</div></div>`,
    csrfToken,
  );
}

export function signInRoutes(app: FastifyInstance, deps: ConsoleDeps, sessions: ConsoleSessions, cookieOptions: { path: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean }): void {
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const principal = request.principal!;
    return reply.redirect(hasPermission(principal, 'emails:read') ? '/overview' : hasPermission(principal, 'email.templates:read') ? '/templates' : '/settings', 303);
  });

  app.get('/sign-in', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(signInPage(reply.generateCsrf()).value));

  app.post<{ Body: { key?: string } }>('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const key = (request.body?.key ?? '').trim();
    const opened = key ? await sessions.open(key) : undefined;
    if (!opened) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(signInPage(reply.generateCsrf(), 'That key is not valid (unknown, revoked, or a publishable key).').value);
    }
    request.log.info({ projectId: opened.principal.projectId, keyId: opened.principal.keyId }, 'console sign-in');
    return reply.setCookie(sessionCookie, opened.token, cookieOptions).redirect('/', 303);
  });

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    await sessions.close(request.cookies[sessionCookie]);
    return reply.clearCookie(sessionCookie, { path: '/' }).redirect('/sign-in', 303);
  });
}
