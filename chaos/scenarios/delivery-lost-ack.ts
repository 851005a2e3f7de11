import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

/** The relay drops every 10th connection after the final dot, before its reply: each such message is a counted duplicate. */
export const scenario: Scenario = {
  name: 'delivery-lost-ack',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let n = 0;
    const sink = await startSmtpSink({ dropAfterData: () => ++n % 10 === 0 });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        await run.startWorker({ SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '200' });
        await run.accept(ctx.messages);
        const report = await run.report(sink, {});
        report.figures = { dropped: Math.floor(n / 10) };
        if (report.duplicates === 0) report.failures.push('no duplicate: the drops did not happen');
        return report;
      });
    } finally {
      await sink.close();
    }
  },
};
