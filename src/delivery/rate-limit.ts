import type { DeliveryStore } from '../core/delivery/types.js';

/**
 * Per-project messages per second, enforced at claim time so a throttled
 * project never holds leased rows while it waits. The buckets live in the
 * database, so the limit holds across every worker process.
 */
export function createRateLimiter(store: DeliveryStore) {
  /** Until when a project is known to have no tokens (a local hint; the bucket is the truth). */
  const emptyUntil = new Map<string, number>();
  const key = (projectId: string) => `project:${projectId}`;
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
    async take(projectId: string, perSecond: number, want: number, now: number): Promise<number> {
      const { granted, waitMs } = await store.takeTokens(key(projectId), perSecond, want, now);
      if (granted === 0) emptyUntil.set(projectId, now + Math.max(1, waitMs));
      return granted;
    },
    async giveBack(projectId: string, perSecond: number, count: number, now: number): Promise<void> {
      await store.returnTokens(key(projectId), perSecond, count, now);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
