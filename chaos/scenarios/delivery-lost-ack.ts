import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

/** The relay drops every 10th connection after the final dot, before its reply: each such message is a counted duplicate. */
export const scenario: DeliveryScenario = {
  name: 'delivery-lost-ack',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let n = 0;
    const sink = await startSmtpSink({ dropAfterData: () => ++n % 10 === 0 });
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    try {
      workers.push(await startWorker({ DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '200' }));
      const accepted = (await outbox.accept(ctx.messages)).length;
      const drainMs = await waitForDrain(outbox, 120_000);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs: 0, dropped: Math.floor(n / 10) };
      const failures = commonFailures(figures);
      if (figures.duplicates === 0) failures.push('no duplicate: the drops did not happen');
      return { name: this.name, engine: ctx.engine, figures, failures };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
