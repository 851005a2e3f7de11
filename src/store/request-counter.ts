import type { RequestCounter } from '../core/ratelimit/request-limits.js';
import type { Engine } from './database.js';
import { countRequest, pruneRequestCounters } from './queries/count-request.js';
import { readRequestCount } from './queries/read-request-count.js';

const pruneEveryMs = 10 * 60_000;

/**
 * Counters in `rate_limit_buckets` under one key prefix (`http:` for HTTP
 * requests, `smtp-auth:` for failed SMTP AUTH), pruned now and then.
 */
export function createRequestCounter(engine: Engine, prefix: string): RequestCounter {
  let lastPrune = 0;
  return {
    async hit(key, windowMs, now) {
      if (now - lastPrune > pruneEveryMs) {
        lastPrune = now;
        await pruneRequestCounters(engine, prefix, now - Math.max(pruneEveryMs, 2 * windowMs));
      }
      return countRequest(engine, prefix + key, windowMs, now);
    },
    peek: (key, windowMs, now) => readRequestCount(engine, prefix + key, windowMs, now),
  };
}
