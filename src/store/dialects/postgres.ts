import { Kysely, PostgresDialect, sql, type PostgresCursor, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';
import type { Engine, EngineOptions } from '../database.js';
import { createAvailability, isClientTimeout, isOutage, translate, type Availability } from '../availability.js';

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * The pool as Kysely sees it: every failure that means "database unavailable"
 * becomes DATABASE_UNAVAILABLE, and a client whose query timed out on the
 * client side is discarded on release (it is still inside that query).
 */
function guardedPool(pool: pg.Pool, availability: Availability): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const observe = <T>(work: Promise<T>, onTimeout: () => void): Promise<T> =>
    work.then(
      (value) => {
        availability.succeeded();
        return value;
      },
      (error: unknown) => {
        if (isOutage(error)) availability.failed();
        if (isClientTimeout(error)) onTimeout();
        throw translate(error);
      },
    );
  function wrap(client: pg.PoolClient): PostgresPoolClient {
    let broken: Error | undefined;
    const wrapper = {
      query(textOrCursor: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) {
        if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
        return observe(client.query(textOrCursor, parameters as unknown[]), () => (broken = new Error('query timed out'))) as Promise<PostgresQueryResult<unknown>>;
      },
      release() {
        const error = broken;
        broken = undefined;
        client.release(error);
      },
    } as PostgresPoolClient;
    return wrapper;
  }
  return {
    async connect() {
      const client = await observe(pool.connect(), () => {});
      let wrapper = wrappers.get(client);
      if (!wrapper) wrappers.set(client, (wrapper = wrap(client)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}

/**
 * `postgres://user:pass@host:port/db[?schema=name]`. The optional schema is
 * created on first use and becomes the search_path, which lets several
 * isolated instances (and tests) share one database.
 */
export function openPostgres(url: string, options: EngineOptions = {}): Engine {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a lowercase SQL identifier`);
  }
  const t = options.timeouts;
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    types,
    keepAlive: true,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    ...(t
      ? {
          connectionTimeoutMillis: t.connectTimeoutMs,
          // The server gives up first (and frees its locks); the client stops waiting for a frozen server a little later.
          statement_timeout: t.queryTimeoutMs,
          query_timeout: t.queryTimeoutMs + 250,
          lock_timeout: t.lockTimeoutMs,
          idle_in_transaction_session_timeout: Math.max(10_000, t.queryTimeoutMs * 4),
        }
      : {}),
  });
  const availability = createAvailability();
  // Every client gets an error listener for its whole life, checked out or idle: a connection the
  // server drops (restart, failover) must fail its queries, never the process. The pool discards it.
  pool.on('connect', (client) => {
    client.on('error', () => availability.failed());
  });
  // An idle client losing its connection: the pool replaces it.
  pool.on('error', () => availability.failed());
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool, availability) }) });
  return {
    kind: 'postgres',
    db,
    pool,
    schema,
    availability,
    capabilities: { skipLocked: true, listenNotify: true, multipleProcesses: true },
    describe: () => `postgres://${parsed.host}${parsed.pathname}${schema ? `?schema=${schema}` : ''}`,
    async prepare() {
      if (!schema) return;
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (error) {
        // Two processes creating the schema at once: the loser sees a unique violation, and the schema exists.
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    },
    close: () => db.destroy(),
  };
}
