import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

const deadlineMs = 3000;

/** SIGTERM while every reply takes 5 s: the worker exits 0 within MAILROOM_SHUTDOWN_TIMEOUT_MS; a new one drains the rest. */
export const scenario: Scenario = {
  name: 'delivery-sigterm-slow',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 5000 });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        const env = { SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_SHUTDOWN_TIMEOUT_MS: String(deadlineMs), MAILROOM_SMTP_MAX_CONNECTIONS: '10', MAILROOM_RETRY_BASE_MS: '200' };
        const first = await run.startWorker(env);
        await run.accept(Math.min(ctx.messages, 200));
        while (sink.awaitingReply() < 5) await new Promise((r) => setTimeout(r, 20));
        const stopAt = Date.now();
        // An expected exit: the common checks then require exit code 0.
        first.signal('SIGTERM');
        await first.exited;
        const shutdownMs = Date.now() - stopAt;
        const inDoubt = await run.sendingOf(first.child.pid!);
        await run.startWorker({ ...env, MAILROOM_SMTP_MAX_CONNECTIONS: '50' });
        const failures: string[] = [];
        // Process start-up and close add a little; the replies alone would take 5 s.
        if (shutdownMs > deadlineMs + 1500) failures.push(`shutdown took ${shutdownMs} ms (deadline ${deadlineMs})`);
        if (inDoubt > 0) failures.push(`${inDoubt} rows left sending by the stopped worker`);
        return run.report(sink, { figures: { shutdownMs, deadlineMs, leftSendingByStoppedWorker: inDoubt }, failures });
      });
    } finally {
      await sink.close();
    }
  },
};
