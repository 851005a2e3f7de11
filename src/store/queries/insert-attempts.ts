import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StoredAttempt } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

const chunkSize = 2000;

/** Appends delivery attempts (time, SMTP code, enhanced code, text). */
export async function insertAttempts(db: Kysely<Database>, attempts: readonly StoredAttempt[]): Promise<void> {
  for (let i = 0; i < attempts.length; i += chunkSize) {
    await db
      .insertInto('delivery_attempts')
      .values(
        attempts.slice(i, i + chunkSize).map((a) => ({
          message_id: a.messageId,
          attempt: a.attempt,
          started_at: a.startedAt,
          finished_at: a.finishedAt,
          outcome: a.outcome,
          smtp_code: a.smtpCode,
          enhanced_code: a.enhancedCode,
          response: a.response,
        })),
      )
      .execute();
  }
}

/**
 * PostgreSQL: `attempts as (insert into delivery_attempts ...)`, the same rows as insertAttempts as a
 * data-modifying CTE (one array per column), so a caller's statement carries them (record-outcomes.ts).
 */
export function attemptsCte(attempts: readonly StoredAttempt[]): RawBuilder<unknown> {
  const column = <K extends keyof StoredAttempt>(key: K) => attempts.map((a) => a[key]);
  return sql`attempts as (
    insert into delivery_attempts (message_id, attempt, started_at, finished_at, outcome, smtp_code, enhanced_code, response)
    select * from unnest(${column('messageId')}::text[], ${column('attempt')}::integer[], ${column('startedAt')}::bigint[], ${column('finishedAt')}::bigint[],
                         ${column('outcome')}::text[], ${column('smtpCode')}::integer[], ${column('enhancedCode')}::text[], ${column('response')}::text[]))`;
}
