import { hasPermission, type Principal } from '../core/auth/permissions.js';
import { html, type Html, type Renderable } from '../api/shared/html.js';

export interface PageContext {
  principal: Principal;
  projectName: string;
  csrfToken: string;
  /** Path of the current section, to mark the sidebar link. */
  section: string;
}

const sections: { path: string; label: string; visible(p: Principal): boolean }[] = [
  { path: '/overview', label: 'Overview', visible: (p) => hasPermission(p, 'emails:read') },
  { path: '/outbox', label: 'Outbox', visible: (p) => hasPermission(p, 'emails:read') },
  { path: '/inbox', label: 'Dev inbox', visible: (p) => hasPermission(p, 'emails:read') },
  { path: '/templates', label: 'Templates', visible: (p) => hasPermission(p, 'email.templates:read') },
  { path: '/suppressions', label: 'Suppressions', visible: (p) => hasPermission(p, 'email.suppressions:read') },
  { path: '/webhooks', label: 'Webhooks', visible: (p) => hasPermission(p, 'webhooks:read') },
  { path: '/keys', label: 'Keys', visible: (p) => p.keyKind === 'admin' },
  { path: '/settings', label: 'Settings', visible: (p) => hasPermission(p, 'project:read') },
];

const keyLabel: Record<Principal['keyKind'], string> = { admin: 'an admin key', secret: 'a secret key', scoped: 'a scoped key', publishable: 'a publishable key' };

const htmxConfig = JSON.stringify({
  // Error answers carry a message to show: swap them like any other answer.
  responseHandling: [
    { code: '204', swap: false },
    { code: '[2345]..', swap: true },
  ],
  historyCacheSize: 0,
});

function head(title: string, csrfToken: string | null): Html {
  return html`<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Mailroom</title>
<link rel="stylesheet" href="/console/assets/console.css"><link rel="icon" href="data:,">
${csrfToken ? html`<meta name="csrf-token" content="${csrfToken}">` : ''}
<meta name="htmx-config" content="${htmxConfig}">
<script src="/console/assets/htmx.min.js" defer></script>
<script src="/console/assets/console.js" defer></script>`;
}

/** A whole console page: sidebar, heading, content. `live` opens the event stream. */
export function page(ctx: PageContext, title: string, content: Renderable, options: { live?: boolean; subtitle?: Renderable } = {}): Html {
  const nav = sections
    .filter((s) => s.visible(ctx.principal))
    .map((s) => html`<a href="${s.path}" ${ctx.section === s.path ? html`aria-current="page"` : ''}>${s.label}</a>`);
  return html`<!doctype html><html lang="en"><head>${head(title, ctx.csrfToken)}</head>
<body ${options.live ? html`data-live` : ''}>
<a class="skip" href="#main">Skip to content</a>
<div class="shell">
<aside class="side">
  <div class="brand">Mail<span>room</span></div>
  <div class="project" title="${ctx.principal.projectId}">${ctx.projectName}</div>
  <nav aria-label="Sections">${nav}</nav>
  <div class="foot">Signed in with ${keyLabel[ctx.principal.keyKind]}
    <form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${ctx.csrfToken}"><button type="submit">Sign out</button></form>
  </div>
</aside>
<main id="main">
<h1>${title}</h1>
${options.subtitle ? html`<p class="sub">${options.subtitle}</p>` : ''}
${content}
</main>
</div>
</body></html>`;
}

/** A page without the sidebar (sign-in). */
export function barePage(title: string, content: Renderable, csrfToken: string | null): Html {
  return html`<!doctype html><html lang="en"><head>${head(title, csrfToken)}</head><body><main id="main">${content}</main></body></html>`;
}

/** A hidden CSRF field for a plain form. */
export const csrfField = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}">`;

export function flash(message: string | undefined, kind: 'ok' | 'error' = 'ok'): Html {
  return message ? html`<div class="flash ${kind === 'error' ? 'error' : ''}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>` : html``;
}
