/**
 * What the delivery scenarios (scenarios/delivery-*.ts) add to the common
 * chaos lib: `mailroom worker` processes on a fresh database whose mail is
 * committed straight through the core (no API process: these scenarios break
 * the relay side, not the database), counted and checked like every scenario.
 */
import type { NewMessage } from '../../src/core/outbox/types.js';
import { loadConfig } from '../../src/config.js';
import { createCore } from '../../src/compose.js';
import { createLogger } from '../../src/logger.js';
import type { SmtpSink } from '../../test/support/smtp-sink.js';
import { mailOutcome, waitForDrain } from './outcome.js';
import { processGroup, type MailroomProcess } from './processes.js';
import { commonFailures, type Report } from './report.js';
import { freshDatabase, type ScenarioContext } from './scenario.js';

export interface DeliveryRun {
  /** Commits `count` messages to distinct recipients; returns their outbox ids. */
  accept(count: number): Promise<string[]>;
  /** `mailroom worker` on the run's database with `env` added; resolves once its workers run. */
  startWorker(env: Record<string, string>): Promise<MailroomProcess>;
  /** Rows a worker process holds handed off without an outcome (after a kill: what recovery marks interrupted). */
  sendingOf(pid: number): Promise<number>;
  /** Attempts recorded so far with this outcome. */
  attempts(outcome: 'deferred' | 'interrupted' | 'sent'): Promise<number>;
  /**
   * Waits for every accepted message at `sink` (ctx.drainTimeoutMs at most),
   * then reports it in the common shape; `figures` and `failures` are the scenario's own.
   */
  report(sink: SmtpSink, own: { figures?: Report['figures']; failures?: string[]; drainFrom?: number }): Promise<Report>;
}

/** Runs `body` on a fresh database, stopping its worker processes and the core afterwards. */
export async function deliveryRun(name: string, ctx: ScenarioContext, body: (run: DeliveryRun) => Promise<Report>): Promise<Report> {
  const databaseUrl = freshDatabase(ctx);
  const config = loadConfig({ DATABASE_URL: databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent' });
  const core = await createCore(config, { logger: createLogger('silent') });
  const project = await core.projects.createProject({ name: 'chaos', settings: { defaultSender: 'chaos@example.com' } });
  // LOG_LEVEL info: the ready line is an info log.
  const group = processGroup({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', MAILROOM_POLL_MS: '100' });
  const accepted: string[] = [];
  let workers = 0;
  const db = core.engine.db;
  const run: DeliveryRun = {
    async accept(count) {
      for (let i = 0; i < count; i += 500) {
        const batch: NewMessage[] = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
          source: 'broadcast',
          recipient: { email: `r${accepted.length + j}@example.com` },
          subject: `Chaos ${accepted.length + j}`,
          html: '<p>Hello from the chaos run</p>',
        }));
        accepted.push(...(await core.enqueue(project.project_id, batch)));
      }
      return [...accepted];
    },
    startWorker: (env) => group.spawn(`worker-${++workers}`, 'worker', env, 'delivery workers started'),
    async sendingOf(pid) {
      const rows = await db.selectFrom('outbox_messages').select('id').where('status', '=', 'sending').where('lease_owner', 'like', `%:${pid}:%`).execute();
      return rows.length;
    },
    async attempts(outcome) {
      const row = await db.selectFrom('delivery_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('outcome', '=', outcome).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async report(sink, own) {
      const from = own.drainFrom ?? Date.now();
      const drained = await waitForDrain(sink, accepted, ctx.drainTimeoutMs);
      const drainMs = drained === null ? null : Date.now() - from;
      // Outcomes are recorded just after the sink has the mail: wait (bounded) for them, so the statuses are final.
      const settleBy = Date.now() + 15_000;
      while (drained !== null && Date.now() < settleBy) {
        const open = await db.selectFrom('outbox_messages').select('id').where('status', 'in', ['rendering', 'sending', 'queued', 'scheduled']).limit(1).execute();
        if (open.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const { logEventIds: _, ...mail } = await mailOutcome(databaseUrl, sink, accepted);
      await group.stopAll();
      const report: Omit<Report, 'failures'> = { scenario: name, engine: ctx.engine, ...mail, drainMs, exits: group.exits, notes: [], figures: own.figures ?? {} };
      return { ...report, failures: [...commonFailures(report), ...(own.failures ?? [])] };
    },
  };
  try {
    return await body(run);
  } finally {
    await group.stopAll();
    await core.close();
  }
}
