import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Up to `limit` sessions expired at `now`, on the expires_at index (one statement on both engines). */
export async function pruneSessions(db: Kysely<Database>, now: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('console_sessions')
    .where('token_hash', 'in', (eb) => eb.selectFrom('console_sessions').select('token_hash').where('expires_at', '<=', now).limit(limit))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
