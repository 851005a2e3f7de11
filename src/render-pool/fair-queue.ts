/**
 * Fair turns on a fixed number of render threads.
 *
 * - At most `slots` tasks run at once, at most `perKey` of them for one key (a
 *   project). The pool behind gets a task only when a thread is free, so
 *   nothing queues there in arrival order behind another project's backlog.
 * - A free thread goes to the waiting key that has used the threads least
 *   (thread time of its tasks, decaying with `halfLifeMs`), ties in arrival order.
 * - The last free thread is kept for keys that are not heavy (whose renders
 *   took `heavyMs` or more lately, a moving average): heavy projects together
 *   get `slots - 1` threads, so a light project's render never waits for a
 *   heavy render to end, however many heavy projects queue renders at once.
 */
export interface FairQueue {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
  /** Tasks waiting for a turn (all keys). */
  readonly waiting: number;
}

export interface FairQueueOptions {
  slots: number;
  perKey: number;
  /** A key whose renders lately took this long (ms, moving average) or more is heavy. */
  heavyMs?: number;
  /** How fast a key's thread time is forgotten. */
  halfLifeMs?: number;
  now?: () => number;
}

interface KeyState {
  active: number;
  /** Milliseconds of thread time its finished tasks took, decayed to `at`. */
  used: number;
  at: number;
  /** Moving average of its tasks' durations (ms). */
  typical: number;
  queue: Array<() => void>;
}

export function createFairQueue(options: FairQueueOptions): FairQueue {
  const now = options.now ?? (() => performance.now());
  const heavyMs = options.heavyMs ?? 100;
  const halfLifeMs = options.halfLifeMs ?? 30_000;
  const keys = new Map<string, KeyState>();
  let running = 0;
  let waiting = 0;

  const usedNow = (state: KeyState, at: number) => state.used * 0.5 ** ((at - state.at) / halfLifeMs);

  function next(): KeyState | undefined {
    const at = now();
    const lastSlot = options.slots > 1 && running >= options.slots - 1;
    let best: KeyState | undefined;
    let bestUsed = Infinity;
    for (const [key, state] of keys) {
      const used = usedNow(state, at);
      if (state.queue.length === 0) {
        if (state.active === 0 && used < 1) keys.delete(key); // nothing to remember
        continue;
      }
      if (state.active >= options.perKey || (lastSlot && state.typical >= heavyMs)) continue;
      if (used < bestUsed) {
        best = state;
        bestUsed = used;
      }
    }
    return best;
  }

  function pump(): void {
    while (running < options.slots) {
      const state = next();
      if (!state) return;
      const start = state.queue.shift()!;
      waiting--;
      running++;
      state.active++;
      start();
    }
  }

  return {
    get waiting() {
      return waiting;
    },
    run<T>(key: string, work: () => Promise<T>): Promise<T> {
      let state = keys.get(key);
      if (!state) keys.set(key, (state = { active: 0, used: 0, at: now(), typical: 0, queue: [] }));
      const own = state;
      return new Promise<T>((resolve, reject) => {
        own.queue.push(() => {
          const started = now();
          Promise.resolve()
            .then(work)
            .then(resolve, reject)
            .finally(() => {
              const at = now();
              running--;
              own.active--;
              own.used = usedNow(own, at) + (at - started);
              own.typical = (own.typical + (at - started)) / 2;
              own.at = at;
              pump();
            });
        });
        waiting++;
        pump();
      });
    },
  };
}
