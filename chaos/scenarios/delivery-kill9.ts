import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { deliveryRun } from '../lib/delivery.js';
import type { Scenario } from '../lib/scenario.js';

const connections = 5;

/** kill -9 one of two worker processes mid-delivery, several times: each kill may leave in doubt only what was on the wire. */
export const scenario: Scenario = {
  name: 'delivery-kill9',
  engines: ['sqlite', 'postgres'],
  async run(ctx) {
    const sink = await startSmtpSink({ delayMs: 2 });
    try {
      return await deliveryRun(this.name, ctx, async (run) => {
        const env = { SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '2000', MAILROOM_RETRY_BASE_MS: '500', MAILROOM_SMTP_MAX_CONNECTIONS: String(connections) };
        await run.startWorker(env);
        const accepted = (await run.accept(ctx.messages)).length;
        const inDoubt: number[] = [];
        for (let kill = 0; kill < 4; kill++) {
          const victim = await run.startWorker(env);
          const target = Math.min(accepted - 1, sink.received.length + Math.floor(ctx.messages / 6));
          while (sink.received.length < target) await new Promise((r) => setTimeout(r, 20));
          victim.signal('SIGKILL');
          await victim.exited;
          inDoubt.push(await run.sendingOf(victim.child.pid!));
          ctx.log(`kill ${kill + 1}: ${inDoubt.at(-1)} handed off without an outcome (bound ${2 * connections})`);
        }
        const maxInDoubtPerKill = Math.max(...inDoubt);
        return run.report(sink, {
          figures: { kills: inDoubt.length, maxInDoubtPerKill, bound: 2 * connections },
          failures: maxInDoubtPerKill > 2 * connections ? [`a kill left ${maxInDoubtPerKill} in doubt (> ${2 * connections})`] : [],
        });
      });
    } finally {
      await sink.close();
    }
  },
};
