import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

/** The relay goes away for ctx.faultMs mid-run and comes back on the same port: nothing lost, nothing stuck. */
export const scenario: Scenario = {
  name: 'delivery-relay-down',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let sink: SmtpSink = await startSmtpSink({ delayMs: 2 });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        // Retries of 1 s, growing: a 30 s outage costs each message a few deferred attempts, never its budget.
        await run.startWorker({ SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '1000', MAILROOM_RETRY_MAX_MS: '15000' });
        const accepted = (await run.accept(ctx.messages)).length;
        while (sink.received.length < accepted / 4) await new Promise((r) => setTimeout(r, 20));
        const port = sink.port;
        const before = [...sink.received];
        await sink.close();
        ctx.log(`relay down after ${before.length} messages, for ${ctx.faultMs} ms`);
        await new Promise((r) => setTimeout(r, ctx.faultMs));
        sink = await startSmtpSink({ port, delayMs: 2 });
        // One relay as the messages see it: what arrived before the outage counts too.
        sink.received.unshift(...before);
        return run.report(sink, { figures: { downMs: ctx.faultMs } });
      });
    } finally {
      await sink.close();
    }
  },
};
