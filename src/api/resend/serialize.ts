import type { OutboxStatus, SkipReason } from '../../core/outbox/lifecycle.js';
import type { OutboxEntry } from '../../core/outbox/query.js';
import { iso, isoOrNull } from '../shared/serialize.js';

/** Resend's `last_event` for where a message stands. */
export function lastEvent(status: OutboxStatus, skipReason: SkipReason | null): string {
  switch (status) {
    case 'scheduled':
      return 'scheduled';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'delivery-delayed':
      return 'delivery_delayed';
    case 'bounced':
      return 'bounced';
    case 'render-error':
    case 'server-error':
      return 'failed';
    case 'skipped':
      return skipReason === 'suppressed' || skipReason === 'unsubscribed' ? 'suppressed' : skipReason === 'cancelled' ? 'canceled' : 'failed';
    default:
      return 'queued';
  }
}

const orNull = (values: string[]) => (values.length ? values : null);

/** An email as Resend shows it; `html`/`text` are left out of list items, as Resend does. */
export function serializeResendEmail(m: OutboxEntry, options: { withContent: boolean } = { withContent: true }) {
  return {
    object: 'email',
    id: m.id,
    to: m.recipientEmail ? [m.recipientEmail] : [],
    from: m.from,
    created_at: iso(m.createdAt),
    subject: m.renderedSubject ?? m.subject,
    ...(options.withContent ? { html: m.renderedHtml ?? m.html, text: m.renderedText ?? m.text } : {}),
    cc: orNull(m.cc),
    bcc: orNull(m.bcc),
    reply_to: m.replyTo ? [m.replyTo] : null,
    last_event: lastEvent(m.status, m.skipReason),
    scheduled_at: isoOrNull(m.scheduledAt),
    tags: Object.entries(m.tags).map(([name, value]) => ({ name, value })),
  };
}
