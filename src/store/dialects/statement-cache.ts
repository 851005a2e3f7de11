import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { translate } from '../availability.js';

/**
 * A statement whose busy failures (another process held the write lock past
 * busy_timeout) surface as DATABASE_UNAVAILABLE, like a down PostgreSQL.
 */
function guarded(statement: BetterSqlite3.Statement): SqliteStatement {
  const fail = (error: unknown): never => {
    throw translate(error);
  };
  return {
    reader: statement.reader,
    all(parameters: ReadonlyArray<unknown>) {
      try {
        return statement.all(parameters as unknown[]);
      } catch (error) {
        return fail(error);
      }
    },
    run(parameters: ReadonlyArray<unknown>) {
      try {
        return statement.run(parameters as unknown[]);
      } catch (error) {
        return fail(error);
      }
    },
    iterate(parameters: ReadonlyArray<unknown>) {
      try {
        return statement.iterate(parameters as unknown[]);
      } catch (error) {
        return fail(error);
      }
    },
  } as SqliteStatement;
}

/**
 * better-sqlite3 behind Kysely with prepared statements reused by SQL text.
 * Kysely prepares every query afresh; preparing costs more than running the
 * short queries of a send (key lookup, insert, read-back), and the same texts
 * recur on every request. Kysely holds the one connection for a query's whole
 * run, so a cached statement is never in use twice at once.
 *
 * Transactions begin IMMEDIATE: with several processes on one file, a deferred
 * transaction that reads and then writes can fail at once with SQLITE_BUSY
 * (the busy timeout does not apply to upgrading a read lock); taking the write
 * lock at BEGIN makes it wait its turn instead.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database, size = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql);
      if (statement) {
        // Most recently used last, so eviction drops the least recently used.
        cache.delete(sql);
      } else {
        statement = guarded(sqlite.prepare(sql === 'begin' ? 'begin immediate' : sql));
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
