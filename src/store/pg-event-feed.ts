import type { EventFeed, EventLog } from '../core/events/ports.js';
import type { StoredEvent } from '../core/events/public-events.js';
import type { PgListener } from './pg-listener.js';

/** After a lost connection, events missed are read back in pages of this size. */
const catchUpPage = 1_000;

/**
 * The event feed on PostgreSQL, over the process's one listener connection: a
 * NOTIFY carries the ids of committed events and the rows are read back. After
 * a reconnect the events committed meanwhile are read from the log by id.
 * Events reach `onEvents` once and in increasing id order (appends commit in
 * id order; see queries/append-events.ts), so a catch-up overlapping live
 * notifications delivers nothing twice.
 */
export function createPgEventFeed(listener: PgListener, log: EventLog, onError: (error: unknown, context: string) => void): EventFeed {
  let lastSeen = 0;
  let reading: Promise<void> = Promise.resolve();
  let deliver: (events: StoredEvent[]) => void = () => {};
  let unsubscribe: (() => Promise<void>) | undefined;
  let stopped = false;

  function hand(events: readonly StoredEvent[]): void {
    const fresh = events.filter((e) => e.id > lastSeen);
    if (fresh.length === 0 || stopped) return;
    lastSeen = fresh[fresh.length - 1]!.id;
    deliver(fresh);
  }

  function enqueue(read: () => Promise<void>, context: string): Promise<void> {
    reading = reading.then(read).catch((error: unknown) => {
      onError(error, context);
      // The rows are in the log: the next reconnect or notification reads them; a failed read retries from lastSeen.
      setTimeout(catchUp, 500).unref();
    });
    return reading;
  }

  function catchUp(): Promise<void> {
    return enqueue(async () => {
      for (;;) {
        const page = await log.readSince(lastSeen, catchUpPage);
        hand(page);
        if (page.length < catchUpPage || stopped) return;
      }
    }, 'could not read missed events');
  }

  return {
    async start(onEvents) {
      deliver = onEvents;
      // Catching up after a lost connection starts from here, not from the beginning of the log.
      lastSeen = (await log.latestId()) ?? 0;
      unsubscribe = await listener.subscribe({
        onEventIds: (ids) => void enqueue(async () => hand(await log.readByIds(ids.filter((id) => id > lastSeen))), 'could not read notified events'),
        onReconnect: () => void catchUp(),
      });
    },
    poke() {},
    async caughtUp() {
      const latest = (await log.latestId()) ?? 0;
      while (lastSeen < latest && !stopped) {
        await catchUp();
      }
    },
    async stop() {
      stopped = true;
      await unsubscribe?.();
      await reading;
    },
  };
}
