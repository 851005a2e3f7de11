#!/usr/bin/env node
import { Command } from 'commander';
import { serveCommand } from './commands/serve.js';
import { migrateCommand } from './commands/migrate.js';
import { projectsCommand } from './commands/projects.js';
import { keysCommand } from './commands/keys.js';
import { workerCommand } from './commands/worker.js';
import { inboxCommand } from './commands/inbox.js';
import { pruneCommand } from './commands/prune.js';

const program = new Command()
  .name('mailroom')
  .description('Self-hosted email for applications. Configuration comes from the environment (see README).')
  .version('0.1.0');

program.addCommand(serveCommand(), { isDefault: true });
program.addCommand(migrateCommand());
program.addCommand(projectsCommand());
program.addCommand(keysCommand());
program.addCommand(workerCommand());
program.addCommand(inboxCommand());
program.addCommand(pruneCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`mailroom: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
