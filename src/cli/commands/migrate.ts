import { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { migrateToLatest, openEngine } from '../../store/index.js';

export function migrateCommand(): Command {
  return new Command('migrate').description('apply pending database migrations and exit').action(async () => {
    const engine = await openEngine(loadConfig().databaseUrl);
    try {
      const applied = await migrateToLatest(engine);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : `${engine.describe()} is up to date\n`);
    } finally {
      await engine.close();
    }
  });
}
