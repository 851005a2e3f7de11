import { Command } from 'commander';
import { withCore } from '../context.js';

/** Retention by hand: what the service does in the background (MAILROOM_RETENTION_DAYS and friends), with progress. */
export function pruneCommand(): Command {
  return new Command('prune')
    .description('remove what retention allows: old bodies, old finished messages and history, expired idempotency keys, inbox overflow')
    .option('--dry-run', 'count what would be removed, remove nothing')
    .option('--batch <n>', 'rows per batch', '500')
    .action(async (options: { dryRun?: boolean; batch: string }) => {
      const batch = Number(options.batch);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new Error('--batch must be an integer between 1 and 100000');
      const counts = await withCore((core) =>
        core.pruner.run({
          dryRun: options.dryRun === true,
          batch,
          onProgress: (step, total) => process.stderr.write(`${step}: ${total}\n`),
        }),
      );
      const verb = options.dryRun ? 'would remove' : 'removed';
      for (const [step, n] of Object.entries(counts)) process.stdout.write(`${verb} ${n} ${step}\n`);
    });
}
