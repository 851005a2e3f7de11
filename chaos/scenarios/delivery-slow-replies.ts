import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

/** Every reply takes 5 s: leases are renewed, nothing is resent, everything drains. */
export const scenario: Scenario = {
  name: 'delivery-slow-replies',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 5000 });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        await run.startWorker({ SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '3000', MAILROOM_SMTP_MAX_CONNECTIONS: '20' });
        // 5 s a message on 20 connections: keep the run to about half a minute.
        await run.accept(Math.min(ctx.messages, 100));
        const report = await run.report(sink, {});
        if (report.duplicates > 0) report.failures.push(`${report.duplicates} duplicates without any fault`);
        return report;
      });
    } finally {
      await sink.close();
    }
  },
};
