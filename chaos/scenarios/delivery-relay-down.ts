import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

/** The relay goes away for ctx.faultMs mid-run and comes back on the same port: nothing lost, nothing stuck. */
export const scenario: DeliveryScenario = {
  name: 'delivery-relay-down',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let sink: SmtpSink = await startSmtpSink({ delayMs: 2 });
    const port = sink.port;
    const received: SmtpSink['received'] = [];
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    try {
      // Retries of 1 s, growing: a 30 s outage costs each message a few deferred attempts, never its budget.
      workers.push(await startWorker({ DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '1000', MAILROOM_RETRY_MAX_MS: '15000' }));
      const accepted = (await outbox.accept(ctx.messages)).length;
      while (sink.received.length < accepted / 4) await new Promise((r) => setTimeout(r, 20));
      received.push(...sink.received);
      await sink.close();
      ctx.log(`relay down after ${received.length} messages, for ${ctx.faultMs} ms`);
      await new Promise((r) => setTimeout(r, ctx.faultMs));
      sink = await startSmtpSink({ port, delayMs: 2 });
      const drainMs = await waitForDrain(outbox, 180_000);
      sink.received.unshift(...received);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs: 0, downMs: ctx.faultMs };
      return { name: this.name, engine: ctx.engine, figures, failures: commonFailures(figures) };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
