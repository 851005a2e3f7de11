/**
 * Request rate limits of the HTTP API: how many requests one client address and
 * one API key may make per window. Counters live in the database (a port), so
 * every process of a deployment shares them. The same counters hold SMTP
 * ingest's failed AUTH attempts per client address (under their own prefix).
 */
export interface RequestCounter {
  /** Counts one request for `key` in the current window of `windowMs`; `ttl` is what is left of the window. */
  hit(key: string, windowMs: number, now: number): Promise<{ current: number; ttl: number }>;
  /** What `key` has counted in the current window, without counting. */
  peek(key: string, windowMs: number, now: number): Promise<number>;
}

export interface RequestLimits {
  /** Window length in ms. */
  windowMs: number;
  /** Requests per window from one client address; 0 disables. */
  perAddress: number;
  /** Requests per window with one API key, unless its project sets `requestsPerMinute`; 0 disables. */
  perKey: number;
}

/** A project's own limit (settings.requestsPerMinute) scaled to the window, else the default. */
export function keyLimitFor(limits: RequestLimits, projectRequestsPerMinute: number | undefined): number {
  if (projectRequestsPerMinute === undefined) return limits.perKey;
  return Math.max(1, Math.round((projectRequestsPerMinute * limits.windowMs) / 60_000));
}
