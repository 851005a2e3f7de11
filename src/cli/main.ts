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
  .version('0.1.0')
  .showSuggestionAfterError(true);

program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(projectsCommand());
program.addCommand(keysCommand());
program.addCommand(workerCommand());
program.addCommand(inboxCommand());
program.addCommand(pruneCommand());

// `mailroom` alone serves; anything else must name a command, so a typo is reported as one
// ("unknown command 'sevre' (Did you mean serve?)") instead of reaching serve as arguments.
const argv = process.argv.length <= 2 ? [...process.argv, 'serve'] : process.argv;

program.parseAsync(argv).catch((error: unknown) => {
  process.stderr.write(`mailroom: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
