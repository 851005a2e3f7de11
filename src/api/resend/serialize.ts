import type { OutboxStatus, SkipReason } from '../../core/outbox/lifecycle.js';
import type { Send } from '../../core/outbox/sends.js';
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

/**
 * An email as Resend shows it: one send with every `to` address (each has its own message here;
 * the first carries cc and bcc, and its state is the email's). `html`/`text` are left out of list
 * items, as Resend does.
 */
export function serializeResendEmail(send: Send, options: { withContent: boolean } = { withContent: true }) {
  const m = send.messages[0]!;
  return {
    object: 'email',
    id: send.id,
    to: send.messages.flatMap((r) => (r.recipientEmail ? [r.recipientEmail] : [])),
    from: m.from,
    created_at: iso(m.createdAt),
    subject: m.renderedSubject ?? m.subject,
    ...(options.withContent ? { html: m.renderedHtml ?? m.html, text: m.renderedText ?? m.text } : {}),
    cc: orNull(send.messages.flatMap((r) => r.cc)),
    bcc: orNull(send.messages.flatMap((r) => r.bcc)),
    reply_to: m.replyTo ? [m.replyTo] : null,
    last_event: lastEvent(m.status, m.skipReason),
    scheduled_at: isoOrNull(m.scheduledAt),
    tags: Object.entries(m.tags).map(([name, value]) => ({ name, value })),
  };
}
