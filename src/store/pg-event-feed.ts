import type pg from 'pg';
import type { EventFeed, EventLog } from '../core/events/ports.js';
import type { StoredEvent } from '../core/events/public-events.js';
import type { Engine } from './database.js';
import { eventsChannel } from './event-log.js';

const reconnectDelayMs = 1_000;
/** After a lost connection, at most this many missed events are replayed to local subscribers. */
const catchUpLimit = 10_000;

/**
 * The cross-process relay on PostgreSQL: one dedicated pooled connection
 * LISTENs on the instance's channel; a NOTIFY carries event ids and the rows
 * are read back, in arrival order. A lost connection is re-established and
 * the events committed meanwhile are read from the log.
 */
export function createPgEventFeed(engine: Engine, log: EventLog, onError: (error: unknown, context: string) => void): EventFeed {
  const pool = engine.pool;
  if (!pool) throw new Error('the PostgreSQL event feed needs a connection pool');
  const channel = eventsChannel(engine.schema);
  let client: pg.PoolClient | undefined;
  let stopped = false;
  let lastSeen = 0;
  let reading: Promise<void> = Promise.resolve();
  let reconnectTimer: NodeJS.Timeout | undefined;
  let deliver: (events: StoredEvent[]) => void = () => {};

  function enqueueRead(load: () => Promise<StoredEvent[]>): void {
    reading = reading.then(async () => {
      try {
        const events = await load();
        for (const e of events) lastSeen = Math.max(lastSeen, e.id);
        if (events.length > 0 && !stopped) deliver(events);
      } catch (error) {
        onError(error, 'could not read notified events');
      }
    });
  }

  function onNotification(message: pg.Notification): void {
    if (message.channel !== channel || !message.payload) return;
    const ids = message.payload.split(',').map(Number).filter(Number.isSafeInteger);
    enqueueRead(() => log.readByIds(ids));
  }

  async function connect(): Promise<void> {
    const c = await pool!.connect();
    c.on('notification', onNotification);
    c.on('error', (error) => {
      onError(error, 'event listener connection lost');
      if (client !== c) return;
      client = undefined;
      c.release(error);
      scheduleReconnect();
    });
    try {
      await c.query(`LISTEN "${channel}"`);
    } catch (error) {
      c.release(error instanceof Error ? error : true);
      throw error;
    }
    client = c;
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect().then(
        () => enqueueRead(() => log.readSince(lastSeen, catchUpLimit)),
        (error: unknown) => {
          onError(error, 'event listener could not reconnect');
          scheduleReconnect();
        },
      );
    }, reconnectDelayMs);
  }

  return {
    async start(onEvents) {
      deliver = onEvents;
      await connect();
      // Catching up after a lost connection starts from here, not from the beginning of the log.
      lastSeen = (await log.latestId()) ?? 0;
    },
    async stop() {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const c = client;
      client = undefined;
      if (c) {
        c.off('notification', onNotification);
        try {
          await c.query(`UNLISTEN "${channel}"`);
          c.release();
        } catch (error) {
          c.release(error instanceof Error ? error : true);
        }
      }
      await reading;
    },
  };
}
