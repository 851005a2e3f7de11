import { Migrator, type MigrationResultSet } from 'kysely';
import type { Engine } from './database.js';
import { migrationsFor } from './migrations/index.js';

/** An arbitrary constant naming Mailroom's migration lock among PostgreSQL advisory locks. */
const migrationLockId = 7_302_114_001;

async function runMigrator(engine: Engine, target?: string): Promise<string[]> {
  const migrator = new Migrator({
    db: engine.db,
    provider: { getMigrations: async () => migrationsFor(engine.kind) },
    // Branches developed side by side may merge migrations that sort before applied ones.
    allowUnorderedMigrations: true,
    // Kysely looks for its bookkeeping tables by name; with several schemas in one database it must be told which.
    ...(engine.schema ? { migrationTableSchema: engine.schema } : {}),
  });
  const result: MigrationResultSet = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Applies pending migrations and returns their names. On PostgreSQL a session
 * advisory lock serialises whole runs, including Kysely's creation of its own
 * bookkeeping tables, so processes starting together apply each migration once.
 */
export async function migrateToLatest(engine: Engine): Promise<string[]> {
  if (!engine.pool) return runMigrator(engine);
  const lock = await engine.pool.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [migrationLockId]);
    return await runMigrator(engine);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [migrationLockId]).catch(() => undefined);
    lock.release();
  }
}

/** Applies migrations up to and including `name` only: upgrade tests build a database as an older release left it. */
export async function migrateTo(engine: Engine, name: string): Promise<string[]> {
  return runMigrator(engine, name);
}
