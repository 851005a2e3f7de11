import type { FastifyInstance } from 'fastify';
import { pageContext, requirePermission, wantsFragment } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { duration, statusBadge, timeTag, when } from './format.js';
import { html, type Html } from '../api/shared/html.js';
import { page } from './layout.js';
import type { OverviewFigures } from '../core/outbox/browse.js';

function chart(timeline: OverviewFigures['timeline']): Html {
  const max = Math.max(1, ...timeline.map((b) => b.ok + b.error + b.inProgress));
  const pct = (n: number) => `${((n / max) * 100).toFixed(2)}%`;
  const total = timeline.reduce((sum, b) => sum + b.ok + b.error + b.inProgress, 0);
  return html`<figure style="margin:0">
<div class="chart" role="img" aria-label="Messages created per hour over the last 24 hours: ${total} in all">
${timeline.map(
  (b) => html`<div class="bar" title="${when(b.bucketStart)}: ${b.ok} ok, ${b.error} error, ${b.inProgress} in progress">
<span class="ok" style="height:${pct(b.ok)}"></span><span class="error" style="height:${pct(b.error)}"></span><span class="progress" style="height:${pct(b.inProgress)}"></span></div>`,
)}
</div>
<figcaption class="legend"><span><i style="background:#4caf6e"></i>ok</span><span><i style="background:#e0584d"></i>error</span><span><i style="background:#e9b949"></i>in progress</span><span>last 24 hours, by hour of creation (UTC)</span></figcaption>
</figure>`;
}

function body(deps: ConsoleDeps, f: OverviewFigures, now: number): Html {
  const count = (status: string) => f.byStatus.find((s) => s.status === status)?.count ?? 0;
  const total = f.byStatus.reduce((sum, s) => sum + s.count, 0);
  const suppressed = f.suppressions.reduce((sum, s) => sum + s.count, 0);
  const mode =
    deps.deliveryMode === 'capture'
      ? html`<span class="mode capture">Capture mode</span> <span class="small">SMTP_URL is not set: mail is kept in the <a href="/inbox">dev inbox</a>, nothing leaves this machine (unless a project sets its own relay).</span>`
      : html`<span class="mode relay">Relay mode</span> <span class="small">Mail is delivered through the SMTP relay in SMTP_URL (or the project's own relay).</span>`;
  return html`<div id="overview" hx-get="/overview" hx-trigger="mr-emails from:body delay:1s" hx-swap="outerHTML">
<p>${mode}</p>
<div class="grid">
  <div class="stat"><div class="label">Messages</div><div class="value">${total}</div><div class="note">in the outbox</div></div>
  <div class="stat"><div class="label">Queue depth</div><div class="value">${f.queueDepth}</div><div class="note">${f.oldestDueAt === null ? 'nothing due' : html`oldest due ${duration(now - f.oldestDueAt)} ago`}</div></div>
  <div class="stat"><div class="label">Bounced</div><div class="value">${count('bounced')}</div><div class="note">${count('server-error') + count('render-error')} failed otherwise</div></div>
  <div class="stat"><div class="label">Suppressed addresses</div><div class="value">${suppressed}</div><div class="note">${f.suppressions.map((s) => `${s.count} ${s.reason}`).join(' · ') || 'none'}</div></div>
  <div class="stat"><div class="label">Delivery latency</div><div class="value">${duration(f.latency.p50)}</div><div class="note">median; p95 ${duration(f.latency.p95)} (${f.latency.count} sent among the newest messages, 24 h)</div></div>
</div>
<section class="panel" aria-labelledby="chart-h"><h2 id="chart-h" style="margin-top:0">Messages over time</h2>${chart(f.timeline)}</section>
<section aria-labelledby="status-h"><h2 id="status-h">By status</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Status</th><th scope="col">Messages</th></tr></thead><tbody>
${f.byStatus.length ? f.byStatus.sort((a, b) => b.count - a.count).map((s) => html`<tr><td><a href="/outbox?status=${s.status}">${statusBadge(s.status)}</a></td><td>${s.count}</td></tr>`) : html`<tr><td colspan="2" class="empty">No mail yet. Send one from <a href="/templates">Templates</a> or the API.</td></tr>`}
</tbody></table></div></section>
${f.oldestDueAt !== null ? html`<p class="small muted">Oldest due message was due at ${timeTag(f.oldestDueAt)}.</p>` : ''}
</div>`;
}

export function overviewRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/overview', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:read');
    const figures = await deps.outboxBrowser.overview(projectId);
    reply.type('text/html; charset=utf-8');
    const content = body(deps, figures, deps.clock.now());
    if (wantsFragment(request)) return reply.send(content.value);
    const ctx = await pageContext(deps, request, reply, '/overview');
    return reply.send(page(ctx, 'Overview', content, { live: true }).value);
  });
}
