import { runWithFault, type Scenario } from '../lib/scenario.js';

/** PostgreSQL is shut down (clients see 57P01, then connection refused) for ctx.faultMs, then started again. */
export const scenario: Scenario = {
  name: 'pg-restart',
  engines: ['postgres'],
  run: (ctx) =>
    runWithFault('pg-restart', ctx, {
      databaseOutage: true,
      // With the default 2-minute lease, workers record what they sent once the database is back: no resends.
      noDuplicates: ctx.faultMs < 100_000,
      inject: () => ctx.postgres!.stop(),
      heal: () => ctx.postgres!.start(),
    }),
};
