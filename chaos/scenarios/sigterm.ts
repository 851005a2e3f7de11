import { runWithFault, type Scenario } from '../lib/scenario.js';

/**
 * SIGTERM to every worker process mid-run (a deploy), then new ones start. A
 * stopping worker finishes what it handed to SMTP and gives back the rest: no
 * duplicates, nothing waits for a lease, every exit code is 0.
 */
export const scenario: Scenario = {
  name: 'sigterm',
  engines: ['sqlite', 'postgres'],
  run: (ctx) =>
    runWithFault('sigterm', ctx, {
      databaseOutage: false,
      noDuplicates: true,
      async inject(d) {
        const stopping = d.workers.splice(0);
        await Promise.all(stopping.map((w) => w.stop()));
      },
      async heal(d) {
        for (let i = 0; i < ctx.workers; i++) await d.addWorker();
      },
    }),
};
