/** Time as a port, so tests can move it (code expiry, schedules, backoff). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
