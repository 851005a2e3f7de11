/** Suppressions, webhooks, keys and settings: each list and change through the same core services as the API. */
import type { FastifyInstance } from 'fastify';
import { actions, resources } from '../core/auth/permissions.js';
import { MailroomError } from '../core/errors.js';
import { webhookEventTypes, type WebhookEventType } from '../core/events/public-events.js';
import { maskSmtpUrl } from '../core/projects/smtp-url.js';
import type { ProjectSettings } from '../core/projects/types.js';
import { can, pageContext, principalOf, redirectWith, requirePermission } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { timeTag } from './format.js';
import { html } from '../api/shared/html.js';
import { csrfField, flash, page } from './layout.js';

const send = (reply: import('fastify').FastifyReply, body: { value: string }) => reply.type('text/html; charset=utf-8').send(body.value);
const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function adminRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  // ---- suppressions
  app.get<{ Querystring: { q?: string; cursor?: string; done?: string } }>('/suppressions', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.suppressions:read');
    const ctx = await pageContext(deps, request, reply, '/suppressions');
    const q = request.query.q?.trim();
    let items;
    let next: string | null = null;
    if (q) items = [await deps.suppressions.get(projectId, q).catch(() => undefined)].filter((s) => s !== undefined);
    else ({ items, nextCursor: next } = await deps.suppressions.list(projectId, { limit: 50, cursor: request.query.cursor || undefined }));
    const mayAdd = can(request, 'email.suppressions:create');
    const mayDelete = can(request, 'email.suppressions:delete');
    const body = html`${flash(request.query.done)}
<div class="actions" style="justify-content:space-between;margin-bottom:12px">
<form class="filters" method="get" action="/suppressions" role="search" aria-label="Find a suppressed address" style="margin:0"><label>Address<input type="search" name="q" value="${q ?? ''}" placeholder="someone@example.com"></label><button type="submit">Find</button></form>
${mayAdd ? html`<form method="post" action="/suppressions" class="actions" aria-label="Suppress an address">${csrfField(ctx.csrfToken)}<label>Suppress address<input type="email" name="email" required></label><label>Note<input name="detail"></label><button type="submit">Add</button></form>` : ''}
</div>
<div class="table-wrap"><table><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Detail</th><th scope="col">Since</th><th scope="col"><span class="skip">Actions</span></th></tr></thead><tbody>
${items.length ? items.map((s) => html`<tr><td>${s.email}</td><td><span class="badge ${s.reason === 'bounced' ? 'error' : s.reason === 'unsubscribed' ? 'wait' : ''}">${s.reason}</span></td><td class="small">${s.detail ?? ''}</td><td class="small nowrap">${timeTag(s.createdAt)}</td>
<td>${mayDelete ? html`<form method="post" action="/suppressions/remove">${csrfField(ctx.csrfToken)}<input type="hidden" name="email" value="${s.email}"><button type="submit" class="danger" aria-label="Remove ${s.email}">Remove</button></form>` : ''}</td></tr>`) : html`<tr><td colspan="5" class="empty">${q ? 'That address is not suppressed.' : 'No suppressed addresses.'}</td></tr>`}
</tbody></table></div>
${next ? html`<div class="pager"><span></span><a class="button secondary" href="/suppressions?cursor=${next}">More →</a></div>` : ''}`;
    return send(reply, page(ctx, 'Suppressions', body, { subtitle: 'Addresses Mailroom will not send to: bounces, unsubscribes and manual entries.' }));
  });
  app.post<{ Body: { email?: string; detail?: string } }>('/suppressions', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.suppressions:create');
    const entry = await deps.suppressions.add(projectId, { email: request.body?.email ?? '', reason: 'manual', detail: request.body?.detail || null });
    return redirectWith(reply, '/suppressions', `${entry.email} is suppressed.`);
  });
  app.post<{ Body: { email?: string } }>('/suppressions/remove', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.suppressions:delete');
    await deps.suppressions.remove(projectId, request.body?.email ?? '');
    return redirectWith(reply, '/suppressions', `${request.body?.email} may receive mail again.`);
  });

  // ---- webhooks
  app.get<{ Querystring: { done?: string; secret?: string } }>('/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'webhooks:read');
    const ctx = await pageContext(deps, request, reply, '/webhooks');
    const hooks = await deps.webhooks.list(projectId);
    const body = html`${flash(request.query.done)}
<div class="table-wrap"><table><thead><tr><th scope="col">Endpoint</th><th scope="col">Events</th><th scope="col">State</th><th scope="col">Created</th></tr></thead><tbody>
${hooks.length ? hooks.map((w) => html`<tr><td class="subject"><a href="/webhooks/${w.id}">${w.url}</a>${w.description ? html`<div class="small muted">${w.description}</div>` : ''}</td><td class="small">${w.events.join(', ')}</td><td>${w.enabled ? html`<span class="badge ok">enabled</span>` : html`<span class="badge">disabled</span>`}</td><td class="small nowrap">${timeTag(w.createdAt)}</td></tr>`) : html`<tr><td colspan="4" class="empty">No webhook endpoints.</td></tr>`}
</tbody></table></div>
${can(request, 'webhooks:create') ? html`<h2>Add an endpoint</h2><form method="post" action="/webhooks" class="panel stack" aria-label="Add a webhook endpoint">${csrfField(ctx.csrfToken)}
<label>URL<input type="url" name="url" required placeholder="https://example.com/hooks/mailroom"></label>
<fieldset class="actions" style="border:0;padding:0"><legend class="small muted">Events</legend>${webhookEventTypes.map((e) => html`<label style="flex-direction:row;gap:5px;align-items:center"><input type="checkbox" name="events" value="${e}" ${e.startsWith('email.') && !e.startsWith('email.block') && !e.startsWith('email.template') ? html`checked` : ''}>${e}</label>`)}</fieldset>
<div><button type="submit">Add endpoint</button></div></form>` : ''}`;
    return send(reply, page(ctx, 'Webhooks', body, { subtitle: 'Signed HTTP callbacks (Standard Webhooks) for email events.' }));
  });
  app.post<{ Body: { url?: string; events?: string | string[] } }>('/webhooks', { schema: { hide: true } }, async (request, reply) => {
    requirePermission(request, 'webhooks:create');
    const { webhook, secret } = await deps.webhooks.create(principalOf(request), { url: request.body?.url ?? '', events: asList(request.body?.events) as WebhookEventType[] });
    // The signing secret is shown once, in this answer only (never in a URL).
    const ctx = await pageContext(deps, request, reply, '/webhooks');
    return send(
      reply,
      page(ctx, 'Endpoint added', html`<div class="flash" role="status">Endpoint added. Its signing secret — copy it now, it is not shown again: <code data-testid="webhook-secret">${secret}</code></div>
<p><a class="button secondary" href="/webhooks/${webhook.id}">Open ${webhook.url}</a></p>`),
    );
  });
  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/webhooks/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'webhooks:read');
    const ctx = await pageContext(deps, request, reply, '/webhooks');
    const hook = await deps.webhooks.get(projectId, request.params.id);
    const deliveries = await deps.webhooks.listDeliveries(projectId, hook.id, 100);
    const mayRedeliver = can(request, 'webhooks:update');
    const body = html`${flash(request.query.done)}<section class="panel"><dl class="facts"><dt>Events</dt><dd>${hook.events.join(', ')}</dd><dt>State</dt><dd>${hook.enabled ? 'enabled' : 'disabled'}</dd><dt>Created</dt><dd>${timeTag(hook.createdAt)}</dd></dl></section>
<h2>Delivery log</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Tries</th><th scope="col">Last response</th><th scope="col">Created</th><th scope="col"><span class="skip">Actions</span></th></tr></thead><tbody>
${deliveries.length ? deliveries.map((d) => html`<tr><td>${d.eventType}</td><td><span class="badge ${d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'error' : 'wait'}">${d.status}</span></td><td>${d.attempts}</td><td class="small">${d.responseStatus ?? d.lastError ?? '—'}</td><td class="small nowrap">${timeTag(d.createdAt)}</td>
<td>${mayRedeliver ? html`<form method="post" action="/webhooks/${hook.id}/deliveries/${d.id}/redeliver">${csrfField(ctx.csrfToken)}<button type="submit" class="secondary">Redeliver</button></form>` : ''}</td></tr>`) : html`<tr><td colspan="6" class="empty">Nothing delivered yet.</td></tr>`}
</tbody></table></div>`;
    return send(reply, page(ctx, hook.url, body, { subtitle: html`<a href="/webhooks">← Webhooks</a>` }));
  });
  app.post<{ Params: { id: string; delivery: string } }>('/webhooks/:id/deliveries/:delivery/redeliver', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'webhooks:update');
    await deps.webhooks.redeliver(projectId, request.params.id, request.params.delivery);
    return redirectWith(reply, `/webhooks/${request.params.id}`, 'Delivery queued again.');
  });

  // ---- keys (admin keys only)
  const adminOnly = (request: import('fastify').FastifyRequest) => {
    const principal = principalOf(request);
    if (principal.keyKind !== 'admin') throw new MailroomError('INSUFFICIENT_PERMISSION', 'only an admin key manages keys', { permission: 'project:update' });
    return principal;
  };
  app.get<{ Querystring: { done?: string } }>('/keys', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = adminOnly(request);
    const ctx = await pageContext(deps, request, reply, '/keys');
    const keys = await deps.projects.listKeys(projectId);
    return send(reply, page(ctx, 'Keys', keysBody(ctx.csrfToken, keys, request.query.done, undefined, ctx.principal.keyId)));
  });
  app.post<{ Body: { name?: string; permissions?: string | string[] } }>('/keys', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = adminOnly(request);
    const created = await deps.projects.createKey(projectId, { kind: 'scoped', name: request.body?.name || 'scoped key', permissions: asList(request.body?.permissions) });
    // Shown once, in this answer only (never in a URL).
    const ctx = await pageContext(deps, request, reply, '/keys');
    const keys = await deps.projects.listKeys(projectId);
    return send(reply, page(ctx, 'Keys', keysBody(ctx.csrfToken, keys, undefined, created.key, ctx.principal.keyId)));
  });
  app.post<{ Params: { id: string } }>('/keys/:id/revoke', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = adminOnly(request);
    await deps.projects.revokeKey(projectId, request.params.id);
    return redirectWith(reply, '/keys', 'Key revoked.');
  });

  // ---- settings
  app.get<{ Querystring: { done?: string } }>('/settings', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'project:read');
    const ctx = await pageContext(deps, request, reply, '/settings');
    const project = await deps.projects.getProject(projectId);
    const s = project.settings;
    const mayWrite = can(request, 'project:update');
    const ro = mayWrite ? '' : html`readonly`;
    const body = html`${flash(request.query.done)}
<p>${deps.deliveryMode === 'capture' ? html`<span class="mode capture">Capture mode</span> <span class="small">SMTP_URL is unset: without a relay below, mail goes to the dev inbox.</span>` : html`<span class="mode relay">Relay mode</span> <span class="small">SMTP_URL is set for this server.</span>`}</p>
<form method="post" action="/settings" class="panel stack" aria-label="Project settings">${csrfField(ctx.csrfToken)}
<label>Project name<input name="name" value="${project.name}" required ${ro}></label>
<label>Default sender<input name="defaultSender" value="${s.defaultSender ?? ''}" placeholder="app@yourdomain.com" ${ro}></label>
<label>Default locale<input name="defaultLocale" value="${s.defaultLocale ?? ''}" placeholder="en" ${ro}></label>
<label>SMTP relay for this project (overrides SMTP_URL; the password stays hidden)<input name="smtpUrl" value="${s.smtpUrl ? maskSmtpUrl(s.smtpUrl) : ''}" placeholder="smtp://user:pass@relay.example.com:587" ${ro}></label>
<label>Rate limit (messages per second handed to SMTP)<input type="number" min="1" name="rateLimitPerSecond" value="${s.rateLimitPerSecond ?? ''}" ${ro}></label>
<fieldset class="stack" style="border:1px solid var(--line);border-radius:6px"><legend>DKIM</legend>
<label>Domain<input name="dkimDomain" value="${s.dkim?.domainName ?? ''}" ${ro}></label>
<label>Selector<input name="dkimSelector" value="${s.dkim?.keySelector ?? ''}" ${ro}></label>
<label>Private key (PEM; leave empty to keep the stored one)<textarea name="dkimKey" rows="4" ${ro}></textarea></label>
<p class="small muted">${s.dkim ? 'A DKIM key is stored.' : 'No DKIM key is stored.'}</p></fieldset>
${mayWrite ? html`<div><button type="submit">Save settings</button></div>` : html`<p class="small muted">Only an admin key changes settings.</p>`}
</form>`;
    return send(reply, page(ctx, 'Settings', body));
  });
  app.post<{ Body: Record<string, string | undefined> }>('/settings', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'project:update');
    const b = request.body ?? {};
    const current = (await deps.projects.getProject(projectId)).settings;
    const settings: ProjectSettings = { ...current };
    const set = <K extends keyof ProjectSettings>(key: K, value: ProjectSettings[K] | undefined) => {
      if (value === undefined || value === '') delete settings[key];
      else settings[key] = value;
    };
    set('defaultSender', b.defaultSender?.trim());
    set('defaultLocale', b.defaultLocale?.trim());
    set('smtpUrl', b.smtpUrl?.trim());
    set('rateLimitPerSecond', b.rateLimitPerSecond ? Number(b.rateLimitPerSecond) : undefined);
    if (b.dkimDomain && b.dkimSelector && (b.dkimKey?.trim() || current.dkim)) {
      settings.dkim = { domainName: b.dkimDomain.trim(), keySelector: b.dkimSelector.trim(), privateKey: b.dkimKey?.trim() || current.dkim!.privateKey };
    } else if (!b.dkimDomain) delete settings.dkim;
    await deps.projects.updateProject(projectId, { ...(b.name ? { name: b.name.trim() } : {}), settings });
    return redirectWith(reply, '/settings', 'Settings saved.');
  });
}

function keysBody(csrf: string, keys: Awaited<ReturnType<ConsoleDeps['projects']['listKeys']>>, done: string | undefined, created: string | undefined, ownKeyId: string) {
  const perms = resources.flatMap((r) => [...actions, '*'].map((a) => `${r}:${a}`)).filter((p) => !p.endsWith(':send') || p.startsWith('emails:'));
  return html`${flash(done)}
${created ? html`<div class="flash" role="status">New scoped key — copy it now, it is not shown again: <code data-testid="new-key">${created}</code></div>` : ''}
<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Permissions</th><th scope="col">Prefix</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="skip">Actions</span></th></tr></thead><tbody>
${keys.map((k) => html`<tr><td>${k.name}</td><td>${k.kind}</td><td class="small">${k.permissions.join(', ') || '—'}</td><td class="mono small">${k.prefix}…</td><td class="small nowrap">${timeTag(k.lastUsedAt)}</td>
<td>${k.revokedAt ? html`<span class="badge error">revoked</span>` : html`<span class="badge ok">live</span>`}</td>
<td>${!k.revokedAt && k.id !== ownKeyId ? html`<form method="post" action="/keys/${k.id}/revoke">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke ${k.name}">Revoke</button></form>` : ''}</td></tr>`)}
</tbody></table></div>
<h2>Create a scoped key</h2>
<form method="post" action="/keys" class="panel stack" aria-label="Create a scoped key">${csrfField(csrf)}
<label>Name<input name="name" required placeholder="reporting dashboard"></label>
<label>Permissions<select name="permissions" multiple size="8" required>${perms.map((p) => html`<option value="${p}">${p}</option>`)}</select></label>
<div><button type="submit">Create key</button></div></form>`;
}
