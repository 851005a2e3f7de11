/**
 * The one LISTEN connection of a process on PostgreSQL. It carries both
 * cross-process signals: "work is due" (wakes delivery workers) and "events
 * committed" (ids for the event feed). A lost connection (restart, failover,
 * network) is re-established every `reconnectDelayMs` until it succeeds; then
 * every subscriber's `onReconnect` runs, so the feed reads the events it missed
 * and workers look for work that came due meanwhile.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import type { WorkSignal } from '../core/delivery/types.js';
import type { Engine } from './database.js';
import { workChannelSql } from './queries/append-events.js';

const reconnectDelayMs = 500;

export interface ListenerSubscriber {
  onWork?(): void;
  onEventIds?(ids: number[]): void;
  /** The connection was lost and is back: whatever was notified meanwhile was missed. */
  onReconnect?(): void;
}

export interface PgListener {
  /** Listens (connecting on first use; retrying in the background while the database is down) until the returned function is called. */
  subscribe(subscriber: ListenerSubscriber): Promise<() => Promise<void>>;
}

export function createPgListener(engine: Engine, onError: (error: unknown, context: string) => void): PgListener {
  const pool = engine.pool;
  if (!pool) throw new Error('the PostgreSQL listener needs a connection pool');
  // One channel pair per schema, so isolated instances sharing a database never hear each other;
  // named from current_schema() exactly as the NOTIFYs name them (queries/append-events.ts).
  let channels = { work: '', events: '' };
  const subscribers = new Set<ListenerSubscriber>();
  let client: pg.PoolClient | undefined;
  let connecting: Promise<void> | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  function onNotification(message: pg.Notification): void {
    for (const s of subscribers) {
      try {
        if (message.channel === channels.work) s.onWork?.();
        else if (message.channel === channels.events && message.payload) {
          s.onEventIds?.(message.payload.split(',').map(Number).filter(Number.isSafeInteger));
        }
      } catch (error) {
        onError(error, 'notification subscriber failed');
      }
    }
  }

  async function connect(): Promise<void> {
    const c = await pool!.connect();
    c.on('notification', onNotification);
    c.on('error', (error) => {
      if (client !== c) return;
      onError(error, 'listener connection lost; reconnecting');
      client = undefined;
      c.off('notification', onNotification);
      c.release(error);
      scheduleReconnect();
    });
    try {
      const { rows } = await c.query<{ work: string; events: string }>(
        `select left('mailroom_work_' || current_schema(), 63) as work, left('mailroom_events_' || current_schema(), 63) as events`,
      );
      channels = rows[0]!;
      await c.query(`LISTEN "${channels.work}"; LISTEN "${channels.events}"`);
    } catch (error) {
      c.release(error instanceof Error ? error : true);
      throw error;
    }
    client = c;
  }

  function scheduleReconnect(): void {
    if (subscribers.size === 0 || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (subscribers.size === 0) return;
      connect().then(
        () => {
          for (const s of subscribers) {
            try {
              s.onReconnect?.();
            } catch (error) {
              onError(error, 'reconnect subscriber failed');
            }
          }
        },
        () => scheduleReconnect(),
      );
    }, reconnectDelayMs);
  }

  async function disconnect(): Promise<void> {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const c = client;
    client = undefined;
    if (!c) return;
    c.off('notification', onNotification);
    try {
      await c.query('UNLISTEN *');
      c.release();
    } catch (error) {
      c.release(error instanceof Error ? error : true);
    }
  }

  return {
    async subscribe(subscriber) {
      subscribers.add(subscriber);
      if (!client && !reconnectTimer) {
        connecting ??= connect().finally(() => (connecting = undefined));
        try {
          await connecting;
        } catch (error) {
          // The database is down right now: keep trying; subscribers hear onReconnect once it is back.
          onError(error, 'listener could not connect; retrying');
          scheduleReconnect();
        }
      }
      return async () => {
        subscribers.delete(subscriber);
        if (subscribers.size === 0) await disconnect();
      };
    },
  };
}

/**
 * Cross-process wake-ups for delivery workers. On PostgreSQL: NOTIFY after new
 * work commits, heard on the process's one listener connection (which also
 * wakes the workers after a reconnect). Elsewhere nothing is needed: the
 * in-process bus wakes local workers and polling covers other processes.
 */
export function createWorkSignal(engine: Engine, listener: PgListener | undefined): WorkSignal {
  if (!listener) return { notify: async () => {}, listen: async () => async () => {} };
  return {
    async notify() {
      await sql`select pg_notify(${workChannelSql}, '')`.execute(engine.db);
    },
    listen: (onWork) => listener.subscribe({ onWork, onReconnect: onWork }),
  };
}
