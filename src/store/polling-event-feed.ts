import type { EventFeed, EventLog } from '../core/events/ports.js';
import type { StoredEvent } from '../core/events/public-events.js';

const page = 1_000;

/**
 * The event feed where the engine cannot notify (SQLite): the log is read by
 * id every `intervalMs`, and at once when this process commits events. One
 * writer at a time commits ids in order, so reading past the last id seen
 * misses nothing; an API process thereby relays a `mailroom worker` process's
 * events to its WebSocket clients and webhooks.
 */
export function createPollingEventFeed(log: EventLog, intervalMs: number, onError: (error: unknown, context: string) => void): EventFeed {
  let lastSeen = 0;
  let deliver: (events: StoredEvent[]) => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  let reading: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function readAll(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const events = await log.readSince(lastSeen, page);
        if (events.length > 0 && !stopped) {
          lastSeen = events[events.length - 1]!.id;
          deliver(events);
        }
        if (events.length < page || stopped) break;
        // Let I/O in between pages: SQLite reads complete without leaving the microtask queue, so a
        // 100,000-event catch-up after a broadcast otherwise held back that broadcast's own answer.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } while (again && !stopped);
  }

  /** One read at a time; a poke during a read asks for one more pass. */
  function read(): Promise<void> {
    if (reading) {
      again = true;
      return reading;
    }
    reading = readAll()
      .catch((error: unknown) => onError(error, 'could not read new events'))
      .finally(() => (reading = undefined));
    return reading;
  }

  return {
    async start(onEvents) {
      deliver = onEvents;
      lastSeen = (await log.latestId()) ?? 0;
      timer = setInterval(() => void read(), intervalMs);
      timer.unref();
    },
    poke() {
      if (timer) void read();
    },
    async caughtUp() {
      if (!timer) return;
      await read();
      // A read already under way may have started before the caller's commit.
      await read();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await reading;
    },
  };
}
