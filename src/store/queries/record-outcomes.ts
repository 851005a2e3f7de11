import type { Kysely, Updateable } from 'kysely';
import { canTransition } from '../../core/outbox/lifecycle.js';
import type { AppliedChange, Outcome } from '../../core/delivery/types.js';
import type { Database, OutboxMessagesTable } from '../schema.js';
import { recordTransitions } from './record-transitions.js';
import { insertAttempts } from './insert-attempts.js';

function changeFor(outcome: Outcome, now: number): Updateable<OutboxMessagesTable> {
  const ended = { lease_owner: null, lease_expires_at: null, updated_at: now };
  switch (outcome.status) {
    case 'sent':
      return { ...ended, sent_at: now, smtp_response: outcome.response, smtp_queue_id: outcome.queueId, last_error: null };
    case 'queued':
      return { ...ended, run_at: outcome.runAt, handed_off_at: null, last_error: outcome.reason, smtp_response: outcome.attempt.response };
    case 'server-error':
    case 'bounced':
      return { ...ended, last_error: outcome.reason, smtp_response: outcome.attempt.response };
  }
}

/**
 * Records SMTP outcomes: each row leaves `sending` with a compare-and-set on the
 * lease owner; every attempt is recorded (even when the row moved on meanwhile,
 * the hand-over did happen); a bounce adds a suppression. One transaction.
 */
export async function recordOutcomes(db: Kysely<Database>, owner: string, now: number, outcomes: readonly Outcome[]): Promise<AppliedChange[]> {
  if (outcomes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const applied: AppliedChange[] = [];
    for (const outcome of outcomes) {
      if (!canTransition('sending', outcome.status)) throw new Error(`lifecycle forbids sending -> ${outcome.status}`);
      const row = await trx
        .updateTable('outbox_messages')
        .set({ ...changeFor(outcome, now), status: outcome.status })
        .where('id', '=', outcome.id)
        .where('status', '=', 'sending')
        .where('lease_owner', '=', owner)
        .returning('project_id as projectId')
        .executeTakeFirst();
      if (!row) continue;
      applied.push({ id: outcome.id, projectId: row.projectId, status: outcome.status, reason: outcome.status === 'sent' ? null : outcome.reason });
      if (outcome.status === 'bounced') {
        await trx
          .insertInto('suppressions')
          .values({ project_id: outcome.suppress.projectId, email: outcome.suppress.email.toLowerCase(), reason: 'bounced', detail: outcome.attempt.response, created_at: now })
          .onConflict((oc) => oc.columns(['project_id', 'email']).doNothing())
          .execute();
      }
    }
    await insertAttempts(trx, outcomes.map((o) => ({ messageId: o.id, ...o.attempt })));
    await recordTransitions(trx, applied.map((c) => ({ messageId: c.id, status: c.status, reason: c.reason, at: now })));
    return applied;
  });
}
