import type { OutboxStatus } from '../core/outbox/lifecycle.js';

/** Statuses of messages still on their way (the queue). */
export const queueStatuses = ['paused', 'preparing', 'rendering', 'scheduled', 'queued', 'sending'] as const satisfies readonly OutboxStatus[];

/** The outcome a status counts as in mailroom_messages_total; undefined for messages still on their way. */
export function outcomeOfStatus(status: string): 'sent' | 'bounced' | 'failed' | 'skipped' | undefined {
  switch (status) {
    case 'sent':
    case 'delivered':
    case 'delivery-delayed':
      return 'sent';
    case 'bounced':
      return 'bounced';
    case 'render-error':
    case 'server-error':
      return 'failed';
    case 'skipped':
      return 'skipped';
    default:
      return undefined;
  }
}

export function replyClass(code: number | null): string {
  return code === null || code < 200 || code >= 600 ? 'none' : `${Math.floor(code / 100)}xx`;
}
