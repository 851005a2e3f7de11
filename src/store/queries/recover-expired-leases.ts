import type { Kysely } from 'kysely';
import { canTransition } from '../../core/outbox/lifecycle.js';
import type { AppliedChange, RecoveredLeases } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { insertAttempts } from './insert-attempts.js';
import { recordChanges } from './record-transitions.js';

export const requeuedReason = 'worker lease expired before hand-off; queued again';
export const interruptedReason = 'worker lease expired after hand-off to SMTP: the message may have been sent; resending with the same Message-ID (possible duplicate)';
export const shutdownReason =
  'the worker stopped at its shutdown deadline while the server\'s reply was outstanding: the message may have been sent; resending with the same Message-ID (possible duplicate)';
export const gaveUpReason =
  'gave up: the attempt budget is spent and the last attempt was interrupted by an expired worker lease after hand-off to SMTP (the message may have been sent)';

/**
 * The crash-recovery rule. A worker that dies leaves rows leased to nobody alive:
 *  - `rendering` (handed_off_at null): nothing left the building, so the row is simply queued again.
 *  - `sending` (handed_off_at set): the SMTP server may or may not have accepted it. Losing
 *    mail is worse than a duplicate, so the row is queued again and resent with the SAME
 *    Message-ID (receivers and relays that de-duplicate on it will drop the copy), and an
 *    attempt with outcome `interrupted` is recorded so every possible duplicate is counted.
 *    A row whose hand-offs have used the whole budget (`maxAttempts`) goes to `server-error`
 *    instead, so a message that keeps killing its worker is not retried forever.
 * Each row is taken by one UPDATE ... RETURNING, so concurrent recoverers never double-count.
 *
 * With `owner`, the same rule applies at once to that owner's rows whatever their lease:
 * a worker that reaches its shutdown deadline gives up on the replies still outstanding.
 */
export async function recoverExpiredLeases(db: Kysely<Database>, now: number, maxAttempts: number, owner?: string): Promise<RecoveredLeases> {
  const reason = owner === undefined ? interruptedReason : shutdownReason;
  if (!canTransition('rendering', 'queued') || !canTransition('sending', 'queued') || !canTransition('sending', 'server-error')) {
    throw new Error('lifecycle forbids recovery');
  }
  return db.transaction().execute(async (trx) => {
    const reset = { status: 'queued' as const, lease_owner: null, lease_expires_at: null, run_at: now, handed_off_at: null, updated_at: now };
    const before = await trx
      .updateTable('outbox_messages')
      .set(reset)
      .where('status', '=', 'rendering')
      .$call((q) => (owner === undefined ? q.where('lease_expires_at', '<', now) : q.where('lease_owner', '=', owner)))
      .returning(['id', 'project_id'])
      .execute();
    const spent = await trx
      .updateTable('outbox_messages')
      .set({ status: 'server-error', lease_owner: null, lease_expires_at: null, updated_at: now, last_error: gaveUpReason })
      .where('status', '=', 'sending')
      .$call((q) => (owner === undefined ? q.where('lease_expires_at', '<', now) : q.where('lease_owner', '=', owner)))
      .where('attempts', '>=', maxAttempts)
      .returning(['id', 'project_id', 'attempts', 'handed_off_at'])
      .execute();
    const after = await trx
      .updateTable('outbox_messages')
      .set({ ...reset, last_error: reason })
      .where('status', '=', 'sending')
      .$call((q) => (owner === undefined ? q.where('lease_expires_at', '<', now) : q.where('lease_owner', '=', owner)))
      .returning(['id', 'project_id', 'attempts', 'handed_off_at'])
      .execute();
    await insertAttempts(
      trx,
      [...spent, ...after].map((r) => ({
        messageId: r.id,
        attempt: Number(r.attempts),
        startedAt: Number(r.handed_off_at ?? now),
        finishedAt: null,
        outcome: 'interrupted' as const,
        smtpCode: null,
        enhancedCode: null,
        response: reason,
      })),
    );
    const requeued: AppliedChange[] = before.map((r) => ({ id: r.id, projectId: r.project_id, status: 'queued', reason: requeuedReason }));
    const interrupted: AppliedChange[] = after.map((r) => ({ id: r.id, projectId: r.project_id, status: 'queued', reason }));
    const gaveUp: AppliedChange[] = spent.map((r) => ({ id: r.id, projectId: r.project_id, status: 'server-error', reason: gaveUpReason }));
    await recordChanges(trx, [...requeued, ...interrupted, ...gaveUp], now);
    return { requeued, interrupted, gaveUp };
  });
}
