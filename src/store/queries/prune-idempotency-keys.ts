import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Idempotency keys past their window (24 h), one batch per call. */
export async function pruneIdempotencyKeys(db: Kysely<Database>, now: number, limit: number, dryRun: boolean): Promise<number> {
  if (dryRun) {
    const row = await db.selectFrom('idempotency_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('expires_at', '<=', now).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  const keys = await db.selectFrom('idempotency_keys').select(['project_id', 'key']).where('expires_at', '<=', now).limit(limit).execute();
  if (keys.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    for (const k of keys) {
      await trx.deleteFrom('idempotency_keys').where('project_id', '=', k.project_id).where('key', '=', k.key).where('expires_at', '<=', now).execute();
    }
  });
  return keys.length;
}
