import type { Engine } from '../database.js';

/**
 * What `key` has counted so far in the current window of `windowMs` (see
 * count-request.ts), without counting: 0 when its row is from an older window.
 */
export async function readRequestCount(engine: Engine, key: string, windowMs: number, now: number): Promise<number> {
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const row = await engine.db
    .selectFrom('rate_limit_buckets')
    .select('milli_tokens')
    .where('key', '=', key)
    .where('updated_at', '>=', windowStart)
    .executeTakeFirst();
  return row ? Number(row.milli_tokens) : 0;
}
