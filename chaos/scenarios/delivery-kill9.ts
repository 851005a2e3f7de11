import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

const connections = 5;

/** kill -9 one of two worker processes mid-delivery, several times: each kill may leave in doubt only what was on the wire. */
export const scenario: DeliveryScenario = {
  name: 'delivery-kill9',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 2 });
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    const env = { DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '2000', MAILROOM_RETRY_BASE_MS: '500', MAILROOM_SMTP_MAX_CONNECTIONS: String(connections) };
    try {
      workers.push(await startWorker(env));
      const accepted = (await outbox.accept(ctx.messages)).length;
      const inDoubt: number[] = [];
      for (let kill = 0; kill < 4; kill++) {
        const victim = await startWorker(env);
        workers.push(victim);
        const target = Math.min(accepted - 1, sink.received.length + Math.floor(ctx.messages / 6));
        while (sink.received.length < target) await new Promise((r) => setTimeout(r, 20));
        victim.child.kill('SIGKILL');
        await victim.exited;
        inDoubt.push(await outbox.sendingOf(victim.pid));
        ctx.log(`kill ${kill + 1}: ${inDoubt.at(-1)} handed off without an outcome (bound ${2 * connections})`);
      }
      const drainMs = await waitForDrain(outbox, 120_000);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs: 0, kills: inDoubt.length, maxInDoubtPerKill: Math.max(...inDoubt), bound: 2 * connections };
      const failures = commonFailures(figures);
      if (figures.maxInDoubtPerKill > 2 * connections) failures.push(`a kill left ${figures.maxInDoubtPerKill} in doubt (> ${2 * connections})`);
      return { name: this.name, engine: ctx.engine, figures, failures };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
