import { sql, type Transaction } from 'kysely';
import { comparableEmail } from '../../core/addresses.js';
import { canTransition, type OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { AppliedChange, Outcome } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { isPostgres } from './append-events.js';
import { attemptsCte, insertAttempts } from './insert-attempts.js';
import { bigint, inStatus, text, valuesCte } from './values-cte.js';

/** Six values a row; well inside SQLite's bound-parameter limit. */
const chunkSize = 500;

/**
 * Records SMTP outcomes in one statement per chunk: each row leaves `sending`
 * only if it is still leased to `owner` (compare-and-set); every attempt is
 * recorded (the hand-over did happen even if the row moved on meanwhile); a
 * bounce of an address fault adds a suppression. Inside the caller's transaction, which records the
 * status history of what applied (record-progress.ts).
 */
export async function applyOutcomes(trx: Transaction<Database>, owner: string, now: number, outcomes: readonly Outcome[]): Promise<AppliedChange[]> {
  if (outcomes.length === 0) return [];
  for (const o of outcomes) if (!canTransition('sending', o.status)) throw new Error(`lifecycle forbids sending -> ${o.status}`);
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const postgres = isPostgres(trx);
  const applied: AppliedChange[] = [];
  for (let i = 0; i < outcomes.length; i += chunkSize) {
    const chunk = outcomes.slice(i, i + chunkSize);
    const v = valuesCte(
      'v',
      ['id', 'status', 'response', 'queue_id', 'run_at', 'last_error'],
      chunk.map((o) => [
        text(o.id),
        text(o.status),
        text(o.status === 'sent' ? o.response : o.attempt.response),
        text(o.status === 'sent' ? o.queueId : null),
        bigint(o.status === 'queued' ? o.runAt : null),
        text(o.status === 'sent' ? null : o.reason),
      ]),
    );
    // PostgreSQL: the chunk's attempts are inserted by the same statement (one round trip less per progress write).
    const attempts = postgres ? sql`, ${attemptsCte(chunk.map((o) => ({ messageId: o.id, ...o.attempt })))}` : sql``;
    const { rows } = await sql<{ id: string; project_id: string; status: OutboxStatus }>`
      with ${v}${attempts}
      update outbox_messages
         set status = v.status,
             smtp_response = v.response,
             smtp_queue_id = case when v.status = 'sent' then v.queue_id else outbox_messages.smtp_queue_id end,
             sent_at = case when v.status = 'sent' then ${now} else outbox_messages.sent_at end,
             run_at = coalesce(v.run_at, outbox_messages.run_at),
             handed_off_at = case when v.status = 'queued' then null else outbox_messages.handed_off_at end,
             last_error = v.last_error,
             lease_owner = null, lease_expires_at = null, updated_at = ${now}
        from v
       where outbox_messages.id = v.id and ${inStatus('sending')} and outbox_messages.lease_owner = ${owner}
      returning outbox_messages.id, outbox_messages.project_id, outbox_messages.status`.execute(trx);
    for (const r of rows) {
      const outcome = byId.get(r.id)!;
      applied.push({ id: r.id, projectId: r.project_id, status: outcome.status, reason: outcome.status === 'sent' ? (outcome.reason ?? null) : outcome.reason });
      if (outcome.status === 'bounced' && outcome.suppress) {
        await trx
          .insertInto('suppressions')
          .values({ project_id: outcome.suppress.projectId, email: comparableEmail(outcome.suppress.email), reason: 'bounced', detail: outcome.suppress.detail, created_at: now })
          .onConflict((oc) => oc.columns(['project_id', 'email']).doNothing())
          .execute();
      }
    }
  }
  if (!postgres) await insertAttempts(trx, outcomes.map((o) => ({ messageId: o.id, ...o.attempt })));
  return applied;
}

