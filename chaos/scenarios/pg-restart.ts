import { runWithFault, type Scenario } from '../lib/scenario.js';

/** PostgreSQL is shut down (clients see 57P01, then connection refused) for ctx.faultMs, then started again. */
export const scenario: Scenario = {
  name: 'pg-restart',
  engines: ['postgres'],
  run: (ctx) =>
    runWithFault('pg-restart', ctx, {
      databaseOutage: true,
      inject: () => ctx.postgres!.stop(),
      heal: () => ctx.postgres!.start(),
    }),
};
