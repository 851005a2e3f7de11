import { sql } from 'kysely';
import type { Engine } from '../database.js';

/**
 * A token bucket in the database, so every worker process shares one budget.
 * Capacity is `burst` tokens, by default one second's worth (at least one token);
 * tokens are stored in thousandths. On PostgreSQL the row is locked for the read-modify-write.
 */
export async function takeTokens(
  engine: Engine,
  key: string,
  perSecond: number,
  want: number,
  now: number,
  burst = perSecond,
): Promise<{ granted: number; waitMs: number }> {
  const capacity = Math.max(1000, Math.floor(burst * 1000));
  return engine.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('rate_limit_buckets')
      .values({ key, milli_tokens: capacity, updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    let read = trx.selectFrom('rate_limit_buckets').select(['milli_tokens', 'updated_at']).where('key', '=', key);
    if (engine.capabilities.skipLocked) read = read.forUpdate();
    const row = await read.executeTakeFirstOrThrow();
    const elapsed = Math.max(0, now - Number(row.updated_at));
    let tokens = Math.min(capacity, Number(row.milli_tokens) + elapsed * perSecond);
    const granted = Math.max(0, Math.min(want, Math.floor(tokens / 1000)));
    tokens -= granted * 1000;
    await trx.updateTable('rate_limit_buckets').set({ milli_tokens: Math.floor(tokens), updated_at: Math.max(now, Number(row.updated_at)) }).where('key', '=', key).execute();
    const waitMs = granted < want ? Math.ceil((1000 - tokens) / perSecond) : 0;
    return { granted, waitMs };
  });
}

/** Gives back tokens taken for rows another worker claimed first. */
export async function returnTokens(engine: Engine, key: string, perSecond: number, count: number, _now: number): Promise<void> {
  if (count <= 0) return;
  const capacity = Math.max(1000, Math.floor(perSecond * 1000));
  await engine.db
    .updateTable('rate_limit_buckets')
    .set({ milli_tokens: sql<number>`case when milli_tokens + ${count * 1000} > ${capacity} then ${capacity} else milli_tokens + ${count * 1000} end` })
    .where('key', '=', key)
    .execute();
}
