import type { Kysely } from 'kysely';
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
