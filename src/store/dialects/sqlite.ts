import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import type { Engine, EngineOptions } from '../database.js';
import { createAvailability } from '../availability.js';
import { withStatementCache } from './statement-cache.js';

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
  const checkpoints = filename === ':memory:' ? undefined : checkpointFromTimer(sqlite);
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
      if (checkpoints) clearInterval(checkpoints);
      await db.destroy();
    },
  };
}

const checkpointEveryMs = 1_000;

/**
 * WAL checkpoints from a timer instead of inside a commit. SQLite's auto-checkpoint runs in
 * the COMMIT that crosses 1,000 WAL pages, so a large accept (a 100,000-recipient broadcast
 * writes ~60 MB of pages) copied them all into the database file before it could answer:
 * 0.3–0.5 s of its ~0.7 s COMMIT. The same copying now happens on the next tick, after the
 * answer. PASSIVE never waits for readers or writers; what it cannot copy now (or while this
 * connection is inside a transaction) the next tick does. The last connection to close
 * checkpoints whatever is left.
 */
function checkpointFromTimer(sqlite: BetterSqlite3.Database): NodeJS.Timeout {
  sqlite.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // busy, or closed meanwhile: the next tick tries again
    }
  }, checkpointEveryMs);
  timer.unref();
  return timer;
}
