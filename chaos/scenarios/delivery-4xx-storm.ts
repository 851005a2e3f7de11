import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

/** Every recipient gets 451 for a while: connections are kept (RSET), not reopened per reply; then all drains. */
export const scenario: Scenario = {
  name: 'delivery-4xx-storm',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let storm = true;
    const sink = await startSmtpSink({ onRcpt: () => (storm ? { code: 451, message: '4.7.1 Try again later' } : undefined) });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        await run.startWorker({ SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '2000', MAILROOM_SMTP_MAX_CONNECTIONS: '5' });
        const accepted = (await run.accept(ctx.messages)).length;
        const stormStarted = Date.now();
        let deferred = 0;
        while (deferred < accepted && Date.now() - stormStarted < 60_000) {
          deferred = await run.attempts('deferred');
          await new Promise((r) => setTimeout(r, 200));
        }
        const stormMs = Date.now() - stormStarted;
        const connectionsDuringStorm = sink.connections();
        storm = false;
        return run.report(sink, {
          figures: { deferredReplies: deferred, deferralsPerSecond: Math.round((deferred / stormMs) * 1000), connectionsDuringStorm },
          failures: connectionsDuringStorm > 5 ? [`${connectionsDuringStorm} connections opened during the storm (pool of 5)`] : [],
        });
      });
    } finally {
      await sink.close();
    }
  },
};
