import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Inside the accept transaction: the request's Idempotency-Key now stands for
 * committed messages. A `committed` key is never released nor taken over as
 * stale, so a retry can only replay, never send again.
 */
export async function markKeyCommitted(trx: Kysely<Database>, projectId: string, key: string): Promise<void> {
  await trx.updateTable('idempotency_keys').set({ state: 'committed' }).where('project_id', '=', projectId).where('key', '=', key).where('state', '=', 'running').execute();
}
