import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CapturedMessage } from '../core/delivery/types.js';
import { invalidField } from '../core/errors.js';
import { isEditable } from '../core/outbox/lifecycle.js';
import type { OutboxEntry } from '../core/outbox/query.js';
import type { WebhookDelivery } from '../core/webhooks/types.js';
import { can, pageContext, principalOf, redirectWith, requirePermission, wantsFragment } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { statusBadge, timeTag } from './format.js';
import { html, type Html } from '../api/shared/html.js';
import { csrfField, flash, page } from './layout.js';
import { headerLines, mailContentPolicy, parseMime } from './mime.js';

type Params = { id: string };
const tabs = ['html', 'text', 'headers', 'source'] as const;

/** The capture inbox's copy, when the capture transport sent it (its queue id is the captured id). */
async function capturedCopy(deps: ConsoleDeps, projectId: string, m: OutboxEntry): Promise<CapturedMessage | undefined> {
  if (!m.smtpQueueId || !m.smtpResponse?.includes('captured')) return undefined;
  return deps.inbox.get(projectId, m.smtpQueueId).catch(() => undefined);
}

/** Webhook deliveries whose event names this message, from each endpoint's recent log. */
async function deliveriesFor(deps: ConsoleDeps, request: FastifyRequest, id: string): Promise<{ url: string; delivery: WebhookDelivery }[]> {
  if (!can(request, 'webhooks:read')) return [];
  const projectId = principalOf(request).projectId;
  const found: { url: string; delivery: WebhookDelivery }[] = [];
  for (const webhook of await deps.webhooks.list(projectId)) {
    for (const delivery of await deps.webhooks.listDeliveries(projectId, webhook.id, 200)) {
      if (delivery.payload.includes(`"${id}"`)) found.push({ url: webhook.url, delivery });
    }
  }
  return found.sort((a, b) => a.delivery.createdAt - b.delivery.createdAt);
}

function facts(m: OutboxEntry): Html {
  const row = (label: string, value: Html | string | null | undefined) => (value ? html`<dt>${label}</dt><dd>${value}</dd>` : '');
  return html`<dl class="facts">
${row('Status', statusBadge(m.status, m.skipReason))}
${row('To', m.recipientEmail ?? `user ${m.recipientUserId}`)}
${row('From', m.from)}
${row('Cc', m.cc.join(', '))}
${row('Bcc', m.bcc.join(', '))}
${row('Reply-To', m.replyTo)}
${row('Source', m.source)}
${row('Batch', m.batchId ? html`<a href="/outbox?batch=${m.batchId}">${m.batchId}</a>` : null)}
${row('Template', m.templateId)}
${row('Locale', m.locale)}
${row('Created', timeTag(m.createdAt))}
${row('Scheduled for', m.scheduledAt ? timeTag(m.scheduledAt) : null)}
${row('Sent', m.sentAt ? timeTag(m.sentAt) : null)}
${row('Message-ID', m.messageIdHeader ? html`<span class="mono">${m.messageIdHeader}</span>` : null)}
${row('Last SMTP reply', m.smtpResponse ? html`<span class="mono">${m.smtpResponse}</span>` : null)}
${row('Last error', m.lastError)}
${row('Id', html`<span class="mono">${m.id}</span>`)}
</dl>`;
}

function actions(request: FastifyRequest, m: OutboxEntry, csrf: string): Html {
  const mayEdit = can(request, 'emails:update') && isEditable(m.status);
  const maySend = can(request, 'emails:send');
  if (!mayEdit && !maySend) return html``;
  const button = (action: string, label: string, kind = 'secondary') =>
    html`<form method="post" action="/outbox/${m.id}/${action}">${csrfField(csrf)}<button type="submit" class="${kind}">${label}</button></form>`;
  return html`<div class="actions" aria-label="Actions">
${mayEdit && m.status !== 'paused' ? button('pause', 'Pause') : ''}
${mayEdit && m.status === 'paused' ? button('resume', 'Resume') : ''}
${mayEdit ? button('cancel', 'Cancel', 'danger') : ''}
${mayEdit ? html`<form method="post" action="/outbox/${m.id}/reschedule">${csrfField(csrf)}<label>Send at (UTC)<input type="datetime-local" name="at" id="reschedule-at" hx-preserve="true" required></label><button type="submit" class="secondary">Reschedule</button></form>` : ''}
${maySend ? button('resend', 'Resend as new message') : ''}
</div>`;
}

function story(request: FastifyRequest, m: OutboxEntry, hooks: { url: string; delivery: WebhookDelivery }[], csrf: string): Html {
  const timeline = m.transitions.map(
    (t) => html`<li><div>${statusBadge(t.status)} ${t.reason ? html`<span class="small">${t.reason}</span>` : ''}<div class="small muted">${timeTag(t.at)}</div></div></li>`,
  );
  const attempts = m.deliveryAttempts.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">#</th><th scope="col">Outcome</th><th scope="col">SMTP reply</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead><tbody>
${m.deliveryAttempts.map(
  (a) => html`<tr><td>${a.attempt}</td><td>${a.outcome}</td><td class="mono small">${a.response ?? [a.smtpCode, a.enhancedCode].filter(Boolean).join(' ')}</td><td class="small nowrap">${timeTag(a.startedAt)}</td><td class="small nowrap">${timeTag(a.finishedAt)}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="muted">No delivery attempt yet.</p>`;
  const webhookLog = hooks.length
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Endpoint</th><th scope="col">Status</th><th scope="col">Response</th><th scope="col">Created</th></tr></thead><tbody>
${hooks.map(
  ({ url, delivery: d }) => html`<tr><td>${d.eventType}</td><td class="small">${url}</td><td>${d.status}${d.attempts ? html` <span class="muted small">(${d.attempts} tries)</span>` : ''}</td><td class="small">${d.responseStatus ?? d.lastError ?? '—'}</td><td class="small nowrap">${timeTag(d.createdAt)}</td></tr>`,
)}</tbody></table></div>`
    : html`<p class="muted">No webhook delivery names this message.</p>`;
  return html`<div id="story" hx-get="/outbox/${m.id}" hx-trigger="mr-emails from:body delay:250ms" hx-swap="outerHTML">
<div class="cols">
  <section class="panel" aria-labelledby="facts-h"><h2 id="facts-h" style="margin-top:0">Message</h2>${facts(m)}<div style="margin-top:14px">${actions(request, m, csrf)}</div></section>
  <section class="panel" aria-labelledby="timeline-h"><h2 id="timeline-h" style="margin-top:0">Status history</h2><ol class="timeline">${timeline}</ol></section>
</div>
<section aria-labelledby="attempts-h"><h2 id="attempts-h">Delivery attempts</h2>${attempts}</section>
<section aria-labelledby="hooks-h"><h2 id="hooks-h">Webhook deliveries</h2>${webhookLog}</section>
</div>`;
}

async function content(deps: ConsoleDeps, m: OutboxEntry, captured: CapturedMessage | undefined, tab: (typeof tabs)[number]): Promise<Html> {
  const tabLink = (name: (typeof tabs)[number], label: string) =>
    html`<a href="/outbox/${m.id}?tab=${name}#content" ${tab === name ? html`aria-current="true"` : ''}>${label}</a>`;
  let body: Html;
  const parsed = captured ? await parseMime(captured.raw) : undefined;
  if (tab === 'html') {
    body = m.renderedHtml || m.html ? html`<iframe class="mail" title="Rendered HTML of the message" sandbox src="/outbox/${m.id}/html"></iframe>` : html`<p class="muted">No HTML part${m.templateId && !m.renderedHtml ? ' yet: the template is rendered when the message is sent' : ''}.</p>`;
  } else if (tab === 'text') {
    const text = m.renderedText ?? m.text;
    body = text ? html`<pre class="source">${text}</pre>` : html`<p class="muted">No text part yet.</p>`;
  } else if (tab === 'headers') {
    body = parsed
      ? html`<div class="table-wrap"><table><tbody>${headerLines(parsed).map((h) => html`<tr><th scope="row" class="mono">${h.name}</th><td class="mono small">${h.value}</td></tr>`)}</tbody></table></div>`
      : html`<div class="table-wrap"><table><tbody>${Object.entries(m.headers).map(([k, v]) => html`<tr><th scope="row" class="mono">${k}</th><td class="mono small">${v}</td></tr>`)}
<tr><th scope="row" class="mono">Message-ID</th><td class="mono small">${m.messageIdHeader ?? ''}</td></tr></tbody></table></div>
<p class="small muted">The full header block is kept for mail the capture inbox received; relayed mail keeps the headers given at send time.</p>`;
  } else {
    body = captured
      ? html`<p><a class="button secondary" href="/outbox/${m.id}/raw" download>Download .eml</a></p><pre class="source">${captured.raw}</pre>`
      : html`<p class="muted">Raw MIME is kept for mail delivered to the capture inbox; this message has no captured copy.</p>`;
  }
  return html`<section id="content" aria-labelledby="content-h"><h2 id="content-h">Content</h2>
<nav class="tabs" aria-label="Content views">${tabLink('html', 'HTML')}${tabLink('text', 'Text')}${tabLink('headers', 'Headers')}${tabLink('source', 'Raw MIME')}</nav>${body}</section>`;
}

function parseAt(value: string | undefined): number {
  const ms = value ? Date.parse(/Z$/.test(value) ? value : `${value}Z`) : NaN;
  if (Number.isNaN(ms)) throw invalidField('at', 'give a date and time');
  return ms;
}

export function messageRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Params: Params; Querystring: { tab?: string; done?: string } }>('/outbox/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const m = await deps.outboxQueries.get(projectId, request.params.id);
    const hooks = await deliveriesFor(deps, request, m.id);
    reply.type('text/html; charset=utf-8');
    const csrf = reply.generateCsrf();
    if (wantsFragment(request)) return reply.send(story(request, m, hooks, csrf).value);
    const ctx = await pageContext(deps, request, reply, '/outbox');
    const tab = (tabs as readonly string[]).includes(request.query.tab ?? '') ? (request.query.tab as (typeof tabs)[number]) : 'html';
    const captured = await capturedCopy(deps, projectId, m);
    const title = m.renderedSubject ?? m.subject ?? '(no subject)';
    return reply.send(
      page(ctx, title, html`${flash(request.query.done)}${story(request, m, hooks, ctx.csrfToken)}${await content(deps, m, captured, tab)}`, {
        live: true,
        subtitle: html`<a href="/outbox">← Outbox</a>`,
      }).value,
    );
  });

  app.get<{ Params: Params }>('/outbox/:id/html', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const m = await deps.outboxQueries.get(projectId, request.params.id);
    return reply
      .header('content-security-policy', mailContentPolicy)
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(m.renderedHtml ?? m.html ?? '');
  });

  app.get<{ Params: Params }>('/outbox/:id/raw', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const m = await deps.outboxQueries.get(projectId, request.params.id);
    const captured = await capturedCopy(deps, projectId, m);
    if (!captured) throw invalidField('id', 'this message has no captured MIME');
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${m.id}.eml"`).send(captured.raw);
  });

  const edit = (action: 'pause' | 'resume' | 'cancel', done: string) => async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { projectId } = requirePermission(request, 'emails:update');
    await deps.outboxEditor.edit(projectId, request.params.id, { action });
    return redirectWith(reply, `/outbox/${request.params.id}`, done);
  };
  app.post('/outbox/:id/pause', { schema: { hide: true } }, edit('pause', 'Paused.'));
  app.post('/outbox/:id/resume', { schema: { hide: true } }, edit('resume', 'Resumed.'));
  app.post('/outbox/:id/cancel', { schema: { hide: true } }, edit('cancel', 'Cancelled.'));
  app.post<{ Params: Params; Body: { at?: string } }>('/outbox/:id/reschedule', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:update');
    await deps.outboxEditor.edit(projectId, request.params.id, { scheduledAt: parseAt(request.body?.at), scheduledAtField: 'at' });
    return redirectWith(reply, `/outbox/${request.params.id}`, 'Rescheduled.');
  });
  app.post<{ Params: Params }>('/outbox/:id/resend', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:send');
    const [id] = (await deps.accept.resend(projectId, request.params.id)).ids;
    return redirectWith(reply, `/outbox/${id}`, 'Sent again as this new message.');
  });
}
