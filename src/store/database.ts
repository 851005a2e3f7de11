import type { Kysely } from 'kysely';
import type pg from 'pg';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import type { Availability } from './availability.js';

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
  /** Recent unavailability failures: lets callers answer 503 at once while the database is known down. */
  readonly availability: Availability;
  /** A printable location without credentials. */
  describe(): string;
  prepare?(): Promise<void>;
  close(): Promise<void>;
}

/** Bounded waits on the database (config.ts fills them from MAILROOM_DB_* variables). */
export interface EngineTimeouts {
  /** PostgreSQL: longest wait for a pooled connection. */
  readonly connectTimeoutMs: number;
  /** PostgreSQL: statement_timeout; the client stops waiting shortly after. */
  readonly queryTimeoutMs: number;
  /** PostgreSQL: lock_timeout. */
  readonly lockTimeoutMs: number;
  /** SQLite: busy_timeout. */
  readonly busyTimeoutMs: number;
}

export interface EngineOptions {
  poolSize?: number;
  /** Bounded waits; unset (migrations, CLI) waits as long as the database takes. */
  timeouts?: EngineTimeouts;
}

export async function openEngine(url: string, options: EngineOptions = {}): Promise<Engine> {
  const engine = url.startsWith('sqlite:') ? openSqlite(url, options) : openPostgres(url, options);
  await engine.prepare?.();
  return engine;
}
