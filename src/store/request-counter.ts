import type { RequestCounter } from '../core/ratelimit/request-limits.js';
import type { Engine } from './database.js';
import { countRequest, pruneRequestCounters } from './queries/count-request.js';

const prefix = 'http:';
const pruneEveryMs = 10 * 60_000;

/** HTTP request counters in `rate_limit_buckets` (keys prefixed `http:`), pruned now and then. */
export function createRequestCounter(engine: Engine): RequestCounter {
  let lastPrune = 0;
  return {
    async hit(key, windowMs, now) {
      if (now - lastPrune > pruneEveryMs) {
        lastPrune = now;
        await pruneRequestCounters(engine, prefix, now - Math.max(pruneEveryMs, 2 * windowMs));
      }
      return countRequest(engine, prefix + key, windowMs, now);
    },
  };
}
