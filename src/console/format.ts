import { simpleStatus, type OutboxStatus } from '../core/outbox/lifecycle.js';
import { html, type Html } from '../api/shared/html.js';

/** Times as UTC with seconds: a console is read next to logs, which are UTC. */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function timeTag(ms: number | null | undefined): Html {
  if (ms === null || ms === undefined) return html`<span class="muted">—</span>`;
  return html`<time datetime="${new Date(ms).toISOString()}">${when(ms)}</time>`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3600_000).toFixed(1)} h`;
}

const waiting: ReadonlySet<string> = new Set(['paused', 'scheduled', 'queued', 'preparing', 'rendering', 'sending', 'delivery-delayed']);

/** A status badge: green done, red failed, amber waiting, grey skipped. */
export function statusBadge(status: OutboxStatus, reason?: string | null): Html {
  const simple = simpleStatus(status);
  const tone = status === 'skipped' ? 'grey' : simple === 'ok' ? 'ok' : simple === 'error' ? 'error' : waiting.has(status) ? 'wait' : 'info';
  return html`<span class="badge ${tone}" data-status="${status}">${status}${reason ? html` · ${reason}` : ''}</span>`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
