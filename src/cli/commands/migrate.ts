import { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { migrateToLatest, openEngine } from '../../store/index.js';
import { note } from '../context.js';

export function migrateCommand(): Command {
  return new Command('migrate').description('create the database if needed, apply pending migrations and exit').action(async () => {
    const engine = await openEngine(loadConfig().databaseUrl);
    try {
      note(`database ${engine.describe()}: applying pending migrations (large tables can take a while)…`);
      const started = Date.now();
      const applied = await migrateToLatest(engine);
      note(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : `${engine.describe()} is up to date\n`);
    } finally {
      await engine.close();
    }
  });
}
