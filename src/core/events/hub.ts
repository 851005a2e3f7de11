/**
 * The events hub: hands persisted, numbered events to subscribers (WebSocket
 * connections, the webhook dispatcher) in every process.
 *
 * Events are written by the store in the same transaction as the change they
 * report (a status change, a block or template edit), so a crash can never
 * keep a change and lose its event. The hub only follows the log through the
 * feed (PostgreSQL LISTEN/NOTIFY with catch-up, or polling on SQLite), which
 * also carries other processes' events; the in-process bus merely tells the
 * feed to look now.
 */
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import type { EventFeed, EventLog } from './ports.js';
import { publicSources, type StoredEvent } from './public-events.js';

export interface EventHubDeps {
  bus: EventBus;
  log: EventLog;
  feed: EventFeed;
  clock: Clock;
  /** How long events are kept for resuming. */
  retentionMs: number;
  pruneIntervalMs: number;
  onError(error: unknown, context: string): void;
}

export type EventSubscriber = (event: StoredEvent) => void;

export function createEventHub(deps: EventHubDeps) {
  const subscribers = new Set<EventSubscriber>();
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

  // Committed here: read now instead of at the next poll.
  const unsubscribe = publicSources.map((name) => deps.bus.on(name, () => deps.feed.poke()));

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
    /** Starts following the log and the pruning timer (the service; the CLI and workers only write). */
    async start(): Promise<void> {
      if (started || closed) return;
      started = true;
      await deps.feed.start(deliver);
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

    /** Waits until every event committed so far has reached this process's subscribers. */
    flushed: (): Promise<void> => (started ? deps.feed.caughtUp() : Promise.resolve()),

    /** Stops following the log and pruning. */
    close(): Promise<void> {
      closed ??= (async () => {
        for (const off of unsubscribe) off();
        if (pruneTimer) clearInterval(pruneTimer);
        await pruning;
        if (started) await deps.feed.stop();
        subscribers.clear();
      })();
      return closed;
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
