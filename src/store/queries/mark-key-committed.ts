import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Inside the accept transaction: the request's Idempotency-Key now stands for
 * committed messages. A `committed` key is never released nor taken over as
 * stale, so a retry can only replay, never send again.
 */
export async function markKeyCommitted(trx: Kysely<Database>, projectId: string, key: string): Promise<void> {
  await markKeyCommittedSql(projectId, key).execute(trx);
}

/** The statement of markKeyCommitted, also a CTE of the accept's one statement on PostgreSQL (outbox-store.ts). */
export function markKeyCommittedSql(projectId: string, key: string): RawBuilder<unknown> {
  return sql`update idempotency_keys set state = 'committed' where project_id = ${projectId} and key = ${key} and state = 'running'`;
}
