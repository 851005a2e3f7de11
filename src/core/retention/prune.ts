/**
 * Keeps the database bounded: bodies of finished messages after the retention
 * period, the messages and their history after a longer one, idempotency keys
 * after their 24 h window, the capture inbox beyond its newest N per project.
 * Everything goes in small batches, each its own short transaction, with a
 * yield between them, so a send never waits long behind a prune.
 */
import type { Clock } from '../clock.js';
import type { RetentionSettings, RetentionStore } from './types.js';

export type PruneStep = 'bodies' | 'messages' | 'blobs' | 'idempotency-keys' | 'inbox';
export type PruneCounts = Record<PruneStep, number>;

export interface PruneOptions {
  dryRun?: boolean;
  /** Rows per batch (default 500). */
  batch?: number;
  /** Told after each batch, with the running total of the step. */
  onProgress?: (step: PruneStep, total: number) => void;
}

const yieldToWriters = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export function createPruner(deps: { store: RetentionStore; clock: Clock; settings: RetentionSettings; onError: (error: unknown) => void }) {
  async function run(options: PruneOptions = {}): Promise<PruneCounts> {
    const limit = options.batch ?? 500;
    const dryRun = options.dryRun ?? false;
    const now = deps.clock.now();
    const steps: Array<[PruneStep, () => Promise<number>]> = [
      ['bodies', () => deps.store.pruneBodies(now - deps.settings.bodiesMs, now, limit, dryRun)],
      ['messages', () => deps.store.pruneMessages(now - deps.settings.historyMs, limit, dryRun)],
      ['blobs', () => deps.store.pruneBlobs(limit, dryRun)],
      ['idempotency-keys', () => deps.store.pruneIdempotencyKeys(now, limit, dryRun)],
      ['inbox', () => deps.store.pruneInbox(deps.settings.inboxKeep, limit, dryRun)],
    ];
    const counts: PruneCounts = { bodies: 0, messages: 0, blobs: 0, 'idempotency-keys': 0, inbox: 0 };
    for (const [step, once] of steps) {
      for (;;) {
        const n = await once();
        counts[step] += n;
        options.onProgress?.(step, counts[step]);
        // A dry run counts everything at once; a real run stops when a batch comes back short.
        if (dryRun || n < limit) break;
        await yieldToWriters();
      }
    }
    return counts;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  return {
    run,
    /** Prunes every `intervalMs` in the background until stop(). */
    start(intervalMs: number): void {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = run()
          .catch(deps.onError)
          .finally(() => (running = undefined));
      }, intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Pruner = ReturnType<typeof createPruner>;
