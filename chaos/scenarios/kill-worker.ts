import { runWithFault, type Scenario } from '../lib/scenario.js';

/**
 * kill -9 of every worker process mid-run, then new ones start. Rows the dead
 * workers held come back when their leases expire; a message that was handed to
 * SMTP may arrive twice, and then it has an `interrupted` attempt saying so.
 */
export const scenario: Scenario = {
  name: 'kill-worker',
  engines: ['sqlite', 'postgres'],
  run: (ctx) =>
    runWithFault('kill-worker', ctx, {
      databaseOutage: false,
      async inject(d) {
        const dying = d.workers.splice(0);
        for (const w of dying) w.signal('SIGKILL');
        await Promise.all(dying.map((w) => w.exited));
      },
      async heal(d) {
        for (let i = 0; i < ctx.workers; i++) await d.addWorker();
      },
    }),
};
