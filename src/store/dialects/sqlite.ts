import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Engine, EngineOptions } from '../database.js';
import { createAvailability } from '../availability.js';
import { withStatementCache } from './statement-cache.js';
import { checkpointFromTimer } from './wal-checkpoints.js';

/**
 * `sqlite:./data/mailroom.db`, `sqlite:/abs/path.db` or `sqlite::memory:`.
 * Several processes may share one file (an API process and `mailroom worker`
 * processes): WAL lets readers run beside the one writer, writers wait for each
 * other up to the busy timeout, and claimed messages are leased as on PostgreSQL.
 */
export function openSqlite(url: string, options: EngineOptions = {}): Engine {
  const location = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  const filename = location === ':memory:' ? location : resolve(location);
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const sqlite = new BetterSqlite3(filename);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${options.timeouts?.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('foreign_keys = ON');
  // The default 2 MB page cache thrashes on bulk inserts into the outbox's indexes; 64 MB keeps them in memory.
  sqlite.pragma('cache_size = -65536');
  const checkpoints = filename === ':memory:' ? undefined : checkpointFromTimer(sqlite, filename);
  const availability = createAvailability();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    kind: 'sqlite',
    db,
    sqlite,
    availability,
    capabilities: { skipLocked: false, listenNotify: false, multipleProcesses: filename !== ':memory:' },
    describe: () => `sqlite:${filename}`,
    close: async () => {
      await checkpoints?.stop();
      await db.destroy();
    },
  };
}
