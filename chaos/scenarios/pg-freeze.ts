import { runWithFault, type Scenario } from '../lib/scenario.js';

/** PostgreSQL's postmaster and backends get SIGSTOP for ctx.faultMs (connections stay open, nothing answers), then SIGCONT. */
export const scenario: Scenario = {
  name: 'pg-freeze',
  engines: ['postgres'],
  run: (ctx) =>
    runWithFault('pg-freeze', ctx, {
      databaseOutage: true,
      inject: async () => ctx.postgres!.freeze(),
      heal: async () => ctx.postgres!.thaw(),
    }),
};
