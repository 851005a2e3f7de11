/**
 * The web console: server-rendered pages (tagged templates) with htmx for
 * partial refreshes, mounted at `/` beside the API families. Every page reads
 * and changes data through the same core services as the API.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf } from '../api/shared/http-status.js';
import { toMailroomError } from '../api/shared/to-mailroom-error.js';
import type { ConsoleDeps } from './deps.js';
import { assetRoutes } from './assets.js';
import { pageContext, wantsFragment } from './context.js';
import { html } from '../api/shared/html.js';
import { barePage, flash, page } from './layout.js';
import { csrfCookie, sessionCookie } from './session.js';
import { signInRoutes } from './sign-in.js';
import { liveRoutes } from './live.js';
import { outboxRoutes } from './outbox.js';
import { messageRoutes } from './message.js';
import { inboxRoutes } from './inbox.js';
import { overviewRoutes } from './overview.js';
import { templateRoutes } from './templates.js';
import { adminRoutes } from './admin.js';

/** Paths served without a session. */
const publicPaths = new Set(['/sign-in', '/sign-out']);

export async function consoleRoutes(app: FastifyInstance, { deps }: { deps: ConsoleDeps }): Promise<void> {
  const secure = deps.publicUrl.startsWith('https:');
  await app.register(cookie);
  await app.register(formbody);
  // Unsigned on purpose: every process behind a load balancer must accept the others' cookies (see session.ts).
  await app.register(csrf, {
    cookieKey: csrfCookie(secure),
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
  });
  const sessions = deps.consoleSessions;
  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure };

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-frame-options', 'DENY').header('referrer-policy', 'same-origin').header('x-content-type-options', 'nosniff');
  });
  app.addHook('preHandler', async (request, reply) => {
    const path = request.routeOptions.url ?? '';
    if (path.startsWith('/console/assets/') || publicPaths.has(path)) return;
    const principal = await sessions.resolve(request.cookies[sessionCookie]);
    if (!principal) {
      if (request.headers['hx-request'] === 'true') return reply.header('hx-redirect', '/sign-in').code(401).send('');
      if (request.method === 'GET' && path !== '/console/events') return reply.redirect(`/sign-in`, 303);
      return reply.code(401).type('text/plain').send('sign in first');
    }
    request.principal = principal;
  });
  // Every change (including sign-in and sign-out) carries the token from the page it came from.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler(async (error, request, reply) => renderError(deps, request, reply, error));

  assetRoutes(app);
  signInRoutes(app, deps, sessions, cookieOptions);
  liveRoutes(app, deps);
  overviewRoutes(app, deps);
  outboxRoutes(app, deps);
  messageRoutes(app, deps);
  inboxRoutes(app, deps);
  templateRoutes(app, deps);
  adminRoutes(app, deps);
}

async function renderError(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, error: unknown): Promise<FastifyReply> {
  const csrfFailure = (error as { code?: string }).code?.startsWith('FST_CSRF');
  const mailroomError = toMailroomError(error);
  const status = csrfFailure ? 403 : httpStatusOf[mailroomError.kind];
  if (mailroomError.kind === 'internal' && !csrfFailure) request.log.error({ err: error }, 'console request failed');
  const message = csrfFailure ? 'This form has expired. Reload the page and try again.' : mailroomError.message;
  reply.code(status).type('text/html; charset=utf-8');
  if (wantsFragment(request)) return reply.send(flash(message, 'error').value);
  if (!request.principal) return reply.send(barePage('Error', html`<div class="signin"><div class="panel">${flash(message, 'error')}<a href="/">Back to the console</a></div></div>`, null).value);
  try {
    const ctx = await pageContext(deps, request, reply, '');
    return reply.send(page(ctx, status === 404 ? 'Not found' : 'Something went wrong', html`${flash(message, 'error')}<p><a href="javascript:history.back()">Go back</a></p>`).value);
  } catch {
    return reply.send(barePage('Error', flash(message, 'error'), null).value);
  }
}
