import type { FastifyInstance } from 'fastify';
import { invalidField } from '../core/errors.js';
import type { OutboxSummary } from '../core/outbox/browse.js';
import { outboxStatuses, simpleStatuses } from '../core/outbox/lifecycle.js';
import { pageContext, principalOf, requirePermission, wantsFragment } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { statusBadge, timeTag } from './format.js';
import { html, type Html } from '../api/shared/html.js';
import { flash, page } from './layout.js';

interface ListQuery {
  status?: string;
  simple_status?: string;
  recipient?: string;
  source?: string;
  batch?: string;
  from?: string;
  to?: string;
  cursor?: string;
  /** Paging back towards the newest (from the newer link). */
  newer?: string;
  done?: string;
}

const sources = ['send-email', 'mail', 'batch', 'broadcast', 'resend', 'verification', 'smtp', 'console'];
const pageSize = 50;

/** `datetime-local` values are read as UTC, like every time the console shows. */
function parseTime(field: string, value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(/Z|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw invalidField(field, 'is not a date and time');
  return ms;
}

function filterQuery(q: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['status', 'simple_status', 'recipient', 'source', 'batch', 'from', 'to'] as const) {
    const value = q[name];
    if (value) params.set(name, value);
  }
  return params;
}

function recipientOf(m: OutboxSummary): Html {
  if (m.recipientEmail) return html`${m.recipientEmail}`;
  return html`<span class="muted">user ${m.recipientUserId ?? '?'}</span>`;
}

function rows(items: OutboxSummary[]): Html {
  if (items.length === 0) return html`<tr><td colspan="6" class="empty">No messages match.</td></tr>`;
  return html`${items.map(
    (m) => html`<tr data-id="${m.id}">
  <td>${statusBadge(m.status, m.skipReason)}</td>
  <td class="subject"><a href="/outbox/${m.id}">${m.subject ?? (m.templateId ? html`<span class="muted">(template ${m.templateId})</span>` : html`<span class="muted">(no subject)</span>`)}</a></td>
  <td>${recipientOf(m)}</td>
  <td class="small">${m.source}${m.batchId ? html`<div class="muted mono" title="batch">${m.batchId.slice(0, 12)}</div>` : ''}</td>
  <td class="small nowrap">${timeTag(m.createdAt)}</td>
  <td class="small nowrap">${timeTag(m.sentAt)}</td>
</tr>`,
  )}`;
}

function table(q: ListQuery, items: OutboxSummary[], nextCursor: string | null, newerCursor: string | null): Html {
  const params = filterQuery(q);
  // Only the newest page follows new mail live; an older page stays put while it is read.
  const live = !newerCursor;
  const self = `/outbox${params.size ? `?${params}` : ''}`;
  const next = new URLSearchParams(params);
  if (nextCursor) next.set('cursor', nextCursor);
  const newer = new URLSearchParams(params);
  if (newerCursor) newer.set('newer', newerCursor);
  return html`<div id="outbox-table" ${live ? html`hx-get="${self}" hx-trigger="mr-emails from:body delay:250ms" hx-swap="outerHTML"` : ''}>
<div class="table-wrap"><table>
<caption class="skip">Outbox messages, newest first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Subject</th><th scope="col">Recipient</th><th scope="col">Source</th><th scope="col">Created</th><th scope="col">Sent</th></tr></thead>
<tbody>${rows(items)}</tbody></table></div>
<div class="pager">
  <span class="small muted">${live ? html`<span class="live-dot" aria-hidden="true"></span>Updates live` : html`<a class="button secondary" href="/outbox?${newer.toString()}" rel="prev">← Newer messages</a> <a href="${self}">Back to the newest</a>`}</span>
  ${nextCursor ? html`<a class="button secondary" href="/outbox?${next.toString()}" rel="next">Older messages →</a>` : html`<span class="small muted">End of the list</span>`}
</div></div>`;
}

function filters(q: ListQuery): Html {
  const option = (value: string, selected: string | undefined, label = value) => html`<option value="${value}" ${value === selected ? html`selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/outbox" role="search" aria-label="Filter the outbox">
  <label>Status<select name="status">${option('', q.status, 'any')}${outboxStatuses.map((s) => option(s, q.status))}</select></label>
  <label>Simple status<select name="simple_status">${option('', q.simple_status, 'any')}${simpleStatuses.map((s) => option(s, q.simple_status))}</select></label>
  <label>Recipient<input type="search" name="recipient" value="${q.recipient ?? ''}" placeholder="address, or its start"></label>
  <label>Source<select name="source">${option('', q.source, 'any')}${sources.map((s) => option(s, q.source))}</select></label>
  <label>Batch<input name="batch" value="${q.batch ?? ''}" placeholder="batch id" size="14"></label>
  <label>Created from (UTC)<input type="datetime-local" name="from" value="${q.from ?? ''}"></label>
  <label>to (UTC)<input type="datetime-local" name="to" value="${q.to ?? ''}"></label>
  <button type="submit">Filter</button>
  <a class="button secondary" href="/outbox">Clear</a>
</form>`;
}

export function outboxRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: ListQuery }>('/outbox', { schema: { hide: true } }, async (request, reply) => {
    requirePermission(request, 'emails:read');
    const q = request.query;
    const result = await deps.outboxBrowser.list(
      principalOf(request).projectId,
      {
        ...(q.status ? { status: q.status } : {}),
        ...(q.simple_status ? { simpleStatus: q.simple_status } : {}),
        ...(q.recipient ? { recipient: q.recipient } : {}),
        ...(q.source ? { source: q.source } : {}),
        ...(q.batch ? { batchId: q.batch } : {}),
        ...(q.from ? { from: parseTime('from', q.from)! } : {}),
        ...(q.to ? { to: parseTime('to', q.to)! } : {}),
      },
      pageSize,
      q.cursor || undefined,
      q.newer || undefined,
    );
    reply.type('text/html; charset=utf-8');
    const body = table(q, result.items, result.nextCursor, result.newerCursor);
    if (wantsFragment(request)) return reply.send(body.value);
    const ctx = await pageContext(deps, request, reply, '/outbox');
    return reply.send(page(ctx, 'Outbox', html`${flash(q.done)}${filters(q)}${body}`, { live: true, subtitle: 'Every message Mailroom accepted, newest first.' }).value);
  });
}
