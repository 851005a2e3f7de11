import { Migrator, type MigrationResultSet } from 'kysely';
import type { Engine } from './database.js';
import { migrationsFor } from './migrations/index.js';

/**
 * Applies pending migrations. On PostgreSQL Kysely holds an advisory lock for the
 * whole run, so processes starting together apply each migration exactly once.
 */
export async function migrateToLatest(engine: Engine): Promise<string[]> {
  const migrator = new Migrator({
    db: engine.db,
    provider: { getMigrations: async () => migrationsFor(engine.kind) },
    // Branches developed side by side may merge migrations that sort before applied ones.
    allowUnorderedMigrations: true,
    // Kysely looks for its bookkeeping tables by name; with several schemas in one database it must be told which.
    ...(engine.schema ? { migrationTableSchema: engine.schema } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
