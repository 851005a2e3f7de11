/**
 * The one state machine for outbox messages. Every other module asks it;
 * none re-implements a transition. Status names follow the outbox API (seed 000).
 */
import { MailroomError } from '../errors.js';

export const outboxStatuses = [
  'paused',
  'preparing',
  'rendering',
  'render-error',
  'scheduled',
  'queued',
  'sending',
  'server-error',
  'sent',
  'skipped',
  'delivered',
  'delivery-delayed',
  'bounced',
] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

export const simpleStatuses = ['in-progress', 'ok', 'error'] as const;
export type SimpleStatus = (typeof simpleStatuses)[number];

/** Why a message was skipped; a skipped message always carries one. */
export const skipReasons = ['cancelled', 'suppressed', 'user_has_no_primary_email', 'user_deleted', 'unsubscribed'] as const;
export type SkipReason = (typeof skipReasons)[number];

const editable: ReadonlySet<OutboxStatus> = new Set([
  'paused',
  'preparing',
  'rendering',
  'render-error',
  'scheduled',
  'queued',
  'server-error',
]);

const allowed: Record<OutboxStatus, readonly OutboxStatus[]> = {
  preparing: ['scheduled', 'queued', 'paused', 'skipped'],
  scheduled: ['queued', 'rendering', 'paused', 'skipped'],
  queued: ['scheduled', 'rendering', 'paused', 'skipped'],
  paused: ['scheduled', 'queued', 'skipped'],
  rendering: ['sending', 'render-error', 'queued', 'scheduled', 'paused', 'skipped'],
  'render-error': ['queued', 'scheduled', 'paused', 'skipped'],
  // A message leaves `sending` only with an SMTP outcome (or a lease recovery back to queued).
  sending: ['sent', 'queued', 'server-error', 'bounced', 'skipped'],
  'server-error': ['queued', 'scheduled', 'paused', 'skipped'],
  sent: ['delivered', 'delivery-delayed', 'bounced'],
  'delivery-delayed': ['delivered', 'bounced'],
  delivered: [],
  bounced: [],
  skipped: [],
};

export function isEditable(status: OutboxStatus): boolean {
  return editable.has(status);
}

export function canTransition(from: OutboxStatus, to: OutboxStatus): boolean {
  return allowed[from].includes(to);
}

/** Throws EMAIL_NOT_EDITABLE when the outbox API asks for a change the machine forbids. */
export function assertEditable(status: OutboxStatus, emailId?: string): void {
  if (!isEditable(status)) {
    throw new MailroomError('EMAIL_NOT_EDITABLE', `an email in status "${status}" can no longer be edited`, { status, ...(emailId ? { email_id: emailId } : {}) });
  }
}

export function simpleStatus(status: OutboxStatus): SimpleStatus {
  switch (status) {
    case 'sent':
    case 'delivered':
    case 'skipped':
      return 'ok';
    case 'render-error':
    case 'server-error':
    case 'bounced':
      return 'error';
    default:
      return 'in-progress';
  }
}

/** Statuses a worker may claim once `run_at` has passed. */
export const claimableStatuses: readonly OutboxStatus[] = ['scheduled', 'queued'];

/** A new or resumed message waits as `scheduled` until due, then as `queued`. */
export function waitingStatus(runAt: number, now: number): 'scheduled' | 'queued' {
  return runAt > now ? 'scheduled' : 'queued';
}

export function isOutboxStatus(value: string): value is OutboxStatus {
  return (outboxStatuses as readonly string[]).includes(value);
}

/**
 * Statuses a message never leaves to be sent again: retention may drop its
 * bodies and, later, the message. (server-error and render-error can be resumed.)
 */
export const finishedStatuses: readonly OutboxStatus[] = outboxStatuses.filter(
  (s) => !canTransition(s, 'queued') && !canTransition(s, 'scheduled') && !canTransition(s, 'sending'),
);
