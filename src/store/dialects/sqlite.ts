import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Engine } from '../database.js';
import { withStatementCache } from './statement-cache.js';

/** `sqlite:./data/mailroom.db`, `sqlite:/abs/path.db` or `sqlite::memory:`. */
export function openSqlite(url: string): Engine {
  const location = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  const filename = location === ':memory:' ? location : resolve(location);
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const sqlite = new BetterSqlite3(filename);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // The default 2 MB page cache thrashes on bulk inserts into the outbox's indexes; 64 MB keeps them in memory.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    kind: 'sqlite',
    db,
    sqlite,
    capabilities: { skipLocked: false, listenNotify: false, multipleProcesses: false },
    describe: () => `sqlite:${filename}`,
    close: () => db.destroy(),
  };
}
