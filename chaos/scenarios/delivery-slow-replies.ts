import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

/** Every reply takes 5 s: leases are renewed, nothing is resent, everything drains. */
export const scenario: DeliveryScenario = {
  name: 'delivery-slow-replies',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 5000 });
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    try {
      workers.push(await startWorker({ DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '3000', MAILROOM_SMTP_MAX_CONNECTIONS: '20' }));
      // 5 s a message on 20 connections: keep the run to about half a minute.
      const accepted = (await outbox.accept(Math.min(ctx.messages, 100))).length;
      const drainMs = await waitForDrain(outbox, 120_000);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs: 0 };
      const failures = commonFailures(figures);
      if (figures.duplicates > 0) failures.push(`${figures.duplicates} duplicates without any fault`);
      return { name: this.name, engine: ctx.engine, figures, failures };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
