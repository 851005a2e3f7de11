import { sql } from 'kysely';
import type { Engine } from '../database.js';

/**
 * One request counted in a fixed window, shared by every process on the
 * database. The row for `key` holds the count (in `milli_tokens`) of the window
 * starting at `updated_at`; a hit in a newer window starts the count again.
 * One upsert, so concurrent processes never lose a hit.
 */
export async function countRequest(engine: Engine, key: string, windowMs: number, now: number): Promise<{ current: number; ttl: number }> {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const row = await engine.db
    .insertInto('rate_limit_buckets')
    .values({ key, milli_tokens: 1, updated_at: windowStart })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        milli_tokens: sql<number>`case when excluded.updated_at > rate_limit_buckets.updated_at then 1 else rate_limit_buckets.milli_tokens + 1 end`,
        updated_at: sql<number>`case when excluded.updated_at > rate_limit_buckets.updated_at then excluded.updated_at else rate_limit_buckets.updated_at end`,
      }),
    )
    .returning(['milli_tokens', 'updated_at'])
    .executeTakeFirstOrThrow();
  return { current: Number(row.milli_tokens), ttl: Math.max(1, Number(row.updated_at) + windowMs - now) };
}

/** Forgets request counters whose window ended long ago (keys under `prefix` only). */
export async function pruneRequestCounters(engine: Engine, prefix: string, before: number): Promise<void> {
  await engine.db.deleteFrom('rate_limit_buckets').where('key', 'like', `${prefix}%`).where('updated_at', '<', before).execute();
}
