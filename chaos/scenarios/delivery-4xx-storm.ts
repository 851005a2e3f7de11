import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

/** Every recipient gets 451 for a while: connections are kept (RSET), not reopened per reply; then all drains. */
export const scenario: DeliveryScenario = {
  name: 'delivery-4xx-storm',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    let storm = true;
    const sink = await startSmtpSink({ onRcpt: () => (storm ? { code: 451, message: '4.7.1 Try again later' } : undefined) });
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    try {
      workers.push(await startWorker({ DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_RETRY_BASE_MS: '2000', MAILROOM_SMTP_MAX_CONNECTIONS: '5' }));
      const accepted = (await outbox.accept(ctx.messages)).length;
      const stormStarted = Date.now();
      let deferred = 0;
      while (deferred < accepted && Date.now() - stormStarted < 60_000) {
        deferred = (await outbox.core.engine.db.selectFrom('delivery_attempts').select('id').where('outcome', '=', 'deferred').execute()).length;
        await new Promise((r) => setTimeout(r, 200));
      }
      const stormMs = Date.now() - stormStarted;
      const connectionsDuringStorm = sink.connections();
      storm = false;
      const drainMs = await waitForDrain(outbox, 120_000);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs: 0, deferredReplies: deferred, deferralsPerSecond: Math.round((deferred / stormMs) * 1000), connectionsDuringStorm };
      const failures = commonFailures(figures);
      if (connectionsDuringStorm > 5) failures.push(`${connectionsDuringStorm} connections opened during the storm (pool of 5)`);
      return { name: this.name, engine: ctx.engine, figures, failures };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
