/**
 * Retry timing. With the defaults (first retry after 60 s, growing 3.3x, each
 * delay capped at 12 h) the 8-attempt budget spans about 21 hours, close to the
 * day most senders allow before giving up. Jitter (±25%) keeps a burst of
 * deferred messages from coming back as a burst.
 */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

const growth = 3.3;

export function retryDelay(attempt: number, policy: RetryPolicy, hintMs: number | null, random: () => number = Math.random): number {
  // A server that says when to come back knows best; never come back sooner than it asked.
  if (hintMs !== null) return Math.min(policy.maxMs, Math.ceil(hintMs * (1 + random() * 0.1)));
  const exponential = Math.min(policy.maxMs, policy.baseMs * growth ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(exponential * (0.75 + random() * 0.5)));
}

/** Whether another attempt fits in the budget after `attempts` hand-overs. */
export function mayRetry(attempts: number, policy: RetryPolicy): boolean {
  return attempts < policy.maxAttempts;
}
