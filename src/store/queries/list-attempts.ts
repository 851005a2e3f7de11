import type { Kysely } from 'kysely';
import type { AttemptOutcome, StoredAttempt } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

export async function listAttempts(db: Kysely<Database>, messageId: string): Promise<StoredAttempt[]> {
  const rows = await db.selectFrom('delivery_attempts').selectAll().where('message_id', '=', messageId).orderBy('id').execute();
  return rows.map((r) => ({
    messageId: r.message_id,
    attempt: Number(r.attempt),
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    outcome: r.outcome as AttemptOutcome,
    smtpCode: r.smtp_code === null ? null : Number(r.smtp_code),
    enhancedCode: r.enhanced_code,
    response: r.response,
  }));
}
