/**
 * The events hub: turns public internal events into persisted, numbered
 * events and hands them to subscribers (WebSocket connections, the webhook
 * dispatcher) in every process.
 *
 * Bus listeners are synchronous, so events are collected and appended in
 * batches on the next microtask (one `enqueue` of 5,000 messages costs a few
 * inserts, not 5,000). Batches are appended one after another, so ids reach
 * local subscribers in increasing order. With a cross-process feed
 * (PostgreSQL LISTEN/NOTIFY) every process, this one included, learns of
 * events from the feed; without one (SQLite, one process) they are handed
 * over directly after commit.
 */
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { EventFeed, EventLog } from './ports.js';
import { publicSources, toPublicEvent, type NewPublicEvent, type StoredEvent } from './public-events.js';

export interface EventHubDeps {
  bus: EventBus;
  log: EventLog;
  feed: EventFeed | null;
  clock: Clock;
  /** How long events are kept for resuming. */
  retentionMs: number;
  pruneIntervalMs: number;
  onError(error: unknown, context: string): void;
}

export type EventSubscriber = (event: StoredEvent) => void;

export function createEventHub(deps: EventHubDeps) {
  const subscribers = new Set<EventSubscriber>();
  let pending: NewPublicEvent[] = [];
  let flushScheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let pruning: Promise<void> = Promise.resolve();
  let pruneTimer: NodeJS.Timeout | undefined;
  let started = false;
  let closed: Promise<void> | undefined;

  function deliver(events: readonly StoredEvent[]): void {
    for (const event of events) {
      for (const subscriber of subscribers) {
        try {
          subscriber(event);
        } catch (error) {
          deps.onError(error, 'event subscriber failed');
        }
      }
    }
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    try {
      const stored = await deps.log.append(batch, deps.clock.now());
      if (!deps.feed) deliver(stored);
    } catch (error) {
      deps.onError(error, `could not persist ${batch.length} events`);
    }
  }

  const unsubscribe = publicSources.map((name) =>
    deps.bus.on(name, (payload) => {
      pending.push(toPublicEvent(name, payload));
      if (flushScheduled) return;
      flushScheduled = true;
      chain = chain.then(flush);
    }),
  );

  function prune(): void {
    pruning = pruning.then(async () => {
      try {
        await deps.log.prune(deps.clock.now() - deps.retentionMs);
      } catch (error) {
        deps.onError(error, 'event pruning failed');
      }
    });
  }

  return {
    /** Starts the cross-process feed and the pruning timer (the service; the CLI only appends). */
    async start(): Promise<void> {
      if (started || closed) return;
      started = true;
      await deps.feed?.start(deliver);
      prune();
      pruneTimer = setInterval(prune, deps.pruneIntervalMs);
      pruneTimer.unref();
    },

    /** Local delivery of every event from any process; returns the unsubscribe function. */
    subscribe(subscriber: EventSubscriber): () => void {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },

    readAfter: (projectId: string, afterId: number, limit: number) => deps.log.readAfter(projectId, afterId, limit),
    oldestId: () => deps.log.oldestId(),

    /** Waits until every event emitted so far is persisted. */
    flushed: (): Promise<void> => chain,

    /** Persists what is pending, then stops listening and pruning. */
    close(): Promise<void> {
      closed ??= (async () => {
        for (const off of unsubscribe) off();
        if (pruneTimer) clearInterval(pruneTimer);
        await chain;
        await pruning;
        if (started) await deps.feed?.stop();
        subscribers.clear();
      })();
      return closed;
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
