import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { commonFailures, count, freshDatabase, openOutbox, startWorker, stopAll, waitForDrain, type DeliveryScenario, type WorkerProcess } from '../lib/delivery-harness.js';

const deadlineMs = 3000;

/** SIGTERM while every reply takes 5 s: the worker exits 0 within MAILROOM_SHUTDOWN_TIMEOUT_MS; a new one drains the rest. */
export const scenario: DeliveryScenario = {
  name: 'delivery-sigterm-slow',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 5000 });
    const db = freshDatabase(ctx);
    const outbox = await openOutbox(db);
    const workers: WorkerProcess[] = [];
    const env = { DATABASE_URL: db, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_SHUTDOWN_TIMEOUT_MS: String(deadlineMs), MAILROOM_SMTP_MAX_CONNECTIONS: '10', MAILROOM_RETRY_BASE_MS: '200' };
    try {
      const first = await startWorker(env);
      workers.push(first);
      const accepted = (await outbox.accept(Math.min(ctx.messages, 200))).length;
      while (sink.awaitingReply() < 5) await new Promise((r) => setTimeout(r, 20));
      const stopAt = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      const shutdownMs = Date.now() - stopAt;
      const inDoubt = await outbox.sendingOf(first.pid);
      workers.push(await startWorker({ ...env, MAILROOM_SMTP_MAX_CONNECTIONS: '50' }));
      const drainMs = await waitForDrain(outbox, 180_000);
      const figures = { ...(await count(outbox, sink, accepted)), drainMs, shutdownMs, exitCode: String(exit.code), leftSendingByStoppedWorker: inDoubt, deadlineMs };
      const failures = commonFailures(figures);
      if (exit.code !== 0) failures.push(`the stopped worker exited with ${exit.code ?? exit.signal}`);
      // Process start-up and close add a little; the replies alone would take 5 s.
      if (shutdownMs > deadlineMs + 1500) failures.push(`shutdown took ${shutdownMs} ms (deadline ${deadlineMs})`);
      if (inDoubt > 0) failures.push(`${inDoubt} rows left sending by the stopped worker`);
      return { name: this.name, engine: ctx.engine, figures, failures };
    } finally {
      await stopAll(workers);
      await outbox.close();
      await sink.close();
    }
  },
};
