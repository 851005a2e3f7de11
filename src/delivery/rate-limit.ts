import type { DeliveryStore } from '../core/delivery/types.js';

/**
 * Per-project messages per second, from two token buckets in the database (so
 * the limit holds across every worker process):
 * - the claim budget sizes each claim, so a throttled project never holds more
 *   leased rows than it may send soon;
 * - the hand-off budget is taken right before each message goes to SMTP, so the
 *   rate a relay sees holds even when one claimed batch is rendered late and the
 *   next one early (a claim-time budget alone lets the two bunch together).
 *   It holds half a second's burst, not a whole second's: a full bucket plus a
 *   second's refill could put twice the rate into one second at the relay, and
 *   SMTP transit jitter would then push a window past it.
 */
export function createRateLimiter(store: DeliveryStore) {
  /** Until when a project is known to have no claim tokens (a local hint; the bucket is the truth). */
  const emptyUntil = new Map<string, number>();
  const claimKey = (projectId: string) => `project:${projectId}`;
  const handOffKey = (projectId: string) => `handoff:${projectId}`;
  const handOffBurst = (perSecond: number) => Math.max(1, Math.ceil(perSecond / 2));

  /** Messages of one project waiting for a hand-off token, served in order by one loop per project. */
  const waiting = new Map<string, { perSecond: number; queue: Array<() => void> }>();

  async function serve(projectId: string, now: () => number): Promise<void> {
    const line = waiting.get(projectId)!;
    try {
      while (line.queue.length > 0) {
        const { granted, waitMs } = await store.takeTokens(handOffKey(projectId), line.perSecond, line.queue.length, now(), handOffBurst(line.perSecond));
        for (const go of line.queue.splice(0, granted)) go();
        if (line.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(1, waitMs)));
      }
    } finally {
      // Waiters still queued (the database failed) are let go: their hand-off CAS fails the same way.
      for (const go of line.queue.splice(0)) go();
      waiting.delete(projectId);
    }
  }

  return {
    /** The earliest time a throttled project may be tried again, or undefined. */
    blockedUntil(projectId: string, now: number): number | undefined {
      const until = emptyUntil.get(projectId);
      if (until === undefined) return undefined;
      if (until <= now) {
        emptyUntil.delete(projectId);
        return undefined;
      }
      return until;
    },
    nextUnblockAt(): number | undefined {
      let min: number | undefined;
      for (const until of emptyUntil.values()) min = min === undefined ? until : Math.min(min, until);
      return min;
    },
    /** Claim budget: how many rows of `want` the project may claim now. */
    async take(projectId: string, perSecond: number, want: number, now: number): Promise<number> {
      const { granted, waitMs } = await store.takeTokens(claimKey(projectId), perSecond, want, now);
      if (granted === 0) emptyUntil.set(projectId, now + Math.max(1, waitMs));
      return granted;
    },
    async giveBack(projectId: string, perSecond: number, count: number, now: number): Promise<void> {
      await store.returnTokens(claimKey(projectId), perSecond, count, now);
    },
    /** Hand-off budget: resolves when one message of the project may go to SMTP. */
    handOffTurn(projectId: string, perSecond: number, now: () => number): Promise<void> {
      return new Promise<void>((go) => {
        const line = waiting.get(projectId);
        if (line) {
          line.perSecond = perSecond;
          line.queue.push(go);
          return;
        }
        waiting.set(projectId, { perSecond, queue: [go] });
        // A failed take is not fatal: the waiters were let go in `serve`, and their hand-off writes meet the same database.
        serve(projectId, now).catch(() => undefined);
      });
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
