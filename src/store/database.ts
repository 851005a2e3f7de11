import type { Kysely } from 'kysely';
import type pg from 'pg';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';

/**
 * What differs between engines is stated as capabilities, so the rest of the
 * store asks "can I skip locked rows?" instead of "am I on PostgreSQL?".
 */
export interface Capabilities {
  /** `FOR UPDATE SKIP LOCKED` for concurrent claimers. */
  readonly skipLocked: boolean;
  /** LISTEN/NOTIFY to wake other processes. */
  readonly listenNotify: boolean;
  /** Several processes may share this database safely. */
  readonly multipleProcesses: boolean;
}

export interface Engine {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly capabilities: Capabilities;
  /** The raw pool on PostgreSQL, for LISTEN connections. */
  readonly pool?: pg.Pool;
  /** The raw handle on SQLite, for bulk inserts through one reused prepared statement. */
  readonly sqlite?: BetterSqlite3.Database;
  readonly schema?: string;
  /** A printable location without credentials. */
  describe(): string;
  prepare?(): Promise<void>;
  close(): Promise<void>;
}

export async function openEngine(url: string): Promise<Engine> {
  const engine = url.startsWith('sqlite:') ? openSqlite(url) : openPostgres(url);
  await engine.prepare?.();
  return engine;
}
