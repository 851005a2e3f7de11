import type { FastifyInstance } from 'fastify';
import type { CapturedSummary } from '../core/delivery/inbox-admin.js';
import { notFound } from '../core/errors.js';
import { can, pageContext, redirectWith, requirePermission, wantsFragment } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { bytes, timeTag } from './format.js';
import { html, type Html } from '../api/shared/html.js';
import { csrfField, flash, page } from './layout.js';
import { headerLines, mailContentPolicy, parseMime } from './mime.js';

type Params = { id: string };
const tabs = ['html', 'text', 'headers', 'source'] as const;
type Tab = (typeof tabs)[number];

function list(q: { q?: string; cursor?: string }, items: CapturedSummary[], nextCursor: string | null): Html {
  const params = new URLSearchParams();
  if (q.q) params.set('q', q.q);
  const live = !q.cursor;
  const self = `/inbox${params.size ? `?${params}` : ''}`;
  const next = new URLSearchParams(params);
  if (nextCursor) next.set('cursor', nextCursor);
  const rows = items.length
    ? items.map(
        (m) => html`<tr data-id="${m.id}">
  <td class="small">${m.envelopeFrom ?? ''}</td>
  <td class="small">${m.envelopeTo.join(', ')}</td>
  <td class="subject"><a href="/inbox/${m.id}">${m.subject ?? '(no subject)'}</a></td>
  <td class="small nowrap">${bytes(m.size)}</td>
  <td class="small nowrap">${timeTag(m.createdAt)}</td>
</tr>`,
      )
    : html`<tr><td colspan="5" class="empty">No captured mail${q.q ? ' matches' : ' yet'}.</td></tr>`;
  return html`<div id="inbox-table" ${live ? html`hx-get="${self}" hx-trigger="mr-emails from:body delay:250ms" hx-swap="outerHTML"` : ''}>
<div class="table-wrap"><table><caption class="skip">Captured mail, newest first</caption>
<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Size</th><th scope="col">Received</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<div class="pager"><span class="small muted">${live ? html`<span class="live-dot" aria-hidden="true"></span>New mail appears here` : html`<a href="${self}">Back to the newest</a>`}</span>
${nextCursor ? html`<a class="button secondary" href="/inbox?${next.toString()}">Older →</a>` : ''}</div></div>`;
}

export function inboxRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: { q?: string; cursor?: string; done?: string } }>('/inbox', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const q = request.query;
    const result = await deps.inboxAdmin.search(projectId, { limit: 50, cursor: q.cursor || undefined, text: q.q });
    reply.type('text/html; charset=utf-8');
    const body = list(q, result.items, result.nextCursor);
    if (wantsFragment(request)) return reply.send(body.value);
    const ctx = await pageContext(deps, request, reply, '/inbox');
    const mode =
      deps.deliveryMode === 'capture'
        ? html`<span class="mode capture">Capture mode</span> Mail is not sent: the capture transport keeps it here.`
        : html`<span class="mode relay">Relay mode</span> Mail goes to the SMTP relay; only mail captured earlier (or by projects without a relay) is here.`;
    const toolbar = html`<div class="actions" style="justify-content:space-between;margin-bottom:12px">
<form class="filters" method="get" action="/inbox" role="search" aria-label="Search the dev inbox" style="margin:0">
  <label>Search<input type="search" name="q" value="${q.q ?? ''}" placeholder="subject, sender or recipient"></label><button type="submit">Search</button>
</form>
${can(request, 'emails:delete') ? html`<form method="post" action="/inbox/clear">${csrfField(ctx.csrfToken)}<button type="submit" class="danger">Delete all</button></form>` : ''}
</div>`;
    return reply.send(page(ctx, 'Dev inbox', html`${flash(q.done)}<p class="sub">${mode}</p>${toolbar}${body}`, { live: true }).value);
  });

  app.get<{ Params: Params; Querystring: { tab?: string } }>('/inbox/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const m = await deps.inbox.get(projectId, request.params.id);
    const parsed = await parseMime(m.raw);
    const tab: Tab = (tabs as readonly string[]).includes(request.query.tab ?? '') ? (request.query.tab as Tab) : 'html';
    const ctx = await pageContext(deps, request, reply, '/inbox');
    const tabLink = (name: Tab, label: string) =>
      html`<a href="/inbox/${m.id}?tab=${name}" ${tab === name ? html`aria-current="true"` : ''}>${label}</a>`;
    let body: Html;
    if (tab === 'html') body = parsed.html ? html`<iframe class="mail" title="HTML part of the message" sandbox src="/inbox/${m.id}/html"></iframe>` : html`<p class="muted">No HTML part.</p>`;
    else if (tab === 'text') body = html`<pre class="source">${parsed.text ?? ''}</pre>`;
    else if (tab === 'headers') body = html`<div class="table-wrap"><table><tbody>${headerLines(parsed).map((h) => html`<tr><th scope="row" class="mono">${h.name}</th><td class="mono small">${h.value}</td></tr>`)}</tbody></table></div>`;
    else body = html`<p><a class="button secondary" href="/inbox/${m.id}/raw" download>Download .eml</a></p><pre class="source">${m.raw}</pre>`;
    const attachments = parsed.attachments.length
      ? html`<h2>Attachments</h2><ul>${parsed.attachments.map((a, i) => html`<li><a href="/inbox/${m.id}/attachments/${i}" download="${a.filename ?? `attachment-${i}`}">${a.filename ?? `attachment ${i + 1}`}</a> <span class="small muted">${a.contentType} · ${bytes(a.size)}</span></li>`)}</ul>`
      : '';
    const facts = html`<dl class="facts">
<dt>From</dt><dd>${parsed.from?.text ?? m.envelopeFrom ?? ''}</dd>
<dt>To</dt><dd>${m.envelopeTo.join(', ')}</dd>
<dt>Received</dt><dd>${timeTag(m.createdAt)}</dd>
${m.outboxMessageId ? html`<dt>Outbox message</dt><dd><a href="/outbox/${m.outboxMessageId}">${m.outboxMessageId}</a></dd>` : ''}
</dl>`;
    const remove = can(request, 'emails:delete') ? html`<form method="post" action="/inbox/${m.id}/delete" style="margin-top:12px">${csrfField(ctx.csrfToken)}<button type="submit" class="danger">Delete</button></form>` : '';
    return reply.type('text/html; charset=utf-8').send(
      page(ctx, m.subject ?? '(no subject)', html`<section class="panel">${facts}${remove}</section>
<nav class="tabs" aria-label="Message views">${tabLink('html', 'HTML')}${tabLink('text', 'Text')}${tabLink('headers', 'Headers')}${tabLink('source', 'Source')}</nav>${body}${attachments}`, {
        subtitle: html`<a href="/inbox">← Dev inbox</a>`,
      }).value,
    );
  });

  app.get<{ Params: Params }>('/inbox/:id/html', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const parsed = await parseMime((await deps.inbox.get(projectId, request.params.id)).raw);
    return reply.header('content-security-policy', mailContentPolicy).header('x-frame-options', 'SAMEORIGIN').type('text/html; charset=utf-8').send(parsed.html || '');
  });

  app.get<{ Params: Params }>('/inbox/:id/raw', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const m = await deps.inbox.get(projectId, request.params.id);
    return reply.type('message/rfc822').header('content-disposition', `attachment; filename="${m.id}.eml"`).send(m.raw);
  });

  app.get<{ Params: Params & { index: string } }>('/inbox/:id/attachments/:index', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const parsed = await parseMime((await deps.inbox.get(projectId, request.params.id)).raw);
    const attachment = parsed.attachments[Number(request.params.index)];
    if (!attachment) throw notFound('attachment', request.params.index);
    // Always a download: an attached HTML or SVG file must not run as a page of the console.
    const name = (attachment.filename ?? 'attachment').replace(/["\r\n\\]/g, '_');
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${name}"`).send(attachment.content);
  });

  app.post<{ Params: Params }>('/inbox/:id/delete', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:delete');
    await deps.inboxAdmin.remove(projectId, request.params.id);
    return redirectWith(reply, '/inbox', 'Message deleted.');
  });

  app.post('/inbox/clear', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:delete');
    const count = await deps.inboxAdmin.clear(projectId);
    return redirectWith(reply, '/inbox', `Deleted ${count} message${count === 1 ? '' : 's'}.`);
  });
}
