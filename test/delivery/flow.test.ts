import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/store/index.js';
import { loadConfig } from '../../src/config.js';
import { createMailroom, startDelivery, type Mailroom } from '../../src/compose.js';
import { createLogger } from '../../src/logger.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { attemptsOf, message, send, settled, startDeliveringMailroom } from './helpers.js';

describe.each(engineKinds)('rate limits, fairness and shutdown on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  it('holds a project to its messages per second, while another project is not held up by it', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '2' });
    const project = await m.core.projects.getProject(m.project.project_id);
    await m.core.projects.updateProject(project.id, { settings: { ...project.settings, rateLimitPerSecond: 5 } });
    const other = await m.core.projects.createProject({ name: 'codes', settings: { defaultSender: 'codes@example.com' } });

    const broadcast = Array.from({ length: 15 }, (_, i) => message({ source: 'broadcast', recipient: { email: `fan${i}@example.com` } }));
    const started = Date.now();
    await m.core.enqueue(project.id, broadcast);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [code] = await m.core.enqueue(other.project_id, [message({ recipient: { email: 'verify@example.com' }, subject: 'Your code', priority: 10 })]);
    await sink.waitFor(16, 15_000);
    const arrivals = sink.received.filter((r) => r.to[0]!.startsWith('fan')).map((r) => r.at - started);
    // A bucket of 5 tokens refilling 5 per second: 15 messages need at least 2 seconds.
    expect(Math.max(...arrivals)).toBeGreaterThanOrEqual(1800);
    for (const t of arrivals) expect(arrivals.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(10);
    // The other project's code (enqueued at 300 ms) went out in the middle of the throttled broadcast, not
    // behind it: before the broadcast's 10th message, which a 5/s bucket cannot release before 1 s.
    const codeAt = sink.received.find((r) => r.to[0] === 'verify@example.com')!.at - started;
    expect(codeAt).toBeLessThan([...arrivals].sort((a, b) => a - b)[9]!);
    await settled(m, code!, ['sent'], 5000, other.project_id);
  });

  // Two services in one process need PostgreSQL: two SQLite connections in one event loop block each other.
  it.runIf(engine === 'postgres')('caps connections to a relay across processes sharing the database', async () => {
    sink = await startSmtpSink({ delayMs: 10 });
    const env = { SMTP_URL: sink.url, MAILROOM_SMTP_CONNECTION_CAP: '2', MAILROOM_WORKERS: '2', MAILROOM_BATCH_SIZE: '20' };
    m = await startDeliveringMailroom(engine, env);
    // A second service on the same database stands in for a second process.
    const second: Mailroom = await createMailroom(loadConfig({ ...env, DATABASE_URL: m.config.databaseUrl, MAILROOM_POLL_MS: '50', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
    try {
      const ids = await m.core.enqueue(m.project.project_id, Array.from({ length: 120 }, (_, i) => message({ recipient: { email: `c${i}@example.com` } })));
      await sink.waitFor(ids.length, 20_000).catch(async (error: unknown) => {
        const rows = await m!.core.engine.db.selectFrom('outbox_messages').select(['status', 'lease_owner', 'attempts', 'last_error']).where('status', '!=', 'sent').execute();
        const slots = await m!.core.engine.db.selectFrom('transport_slots').selectAll().execute();
        throw new Error(`${String(error)}; unsent ${JSON.stringify(rows.slice(0, 5))} (${rows.length}); slots ${JSON.stringify(slots)}`);
      });
      expect(new Set(sink.received.map((r) => r.messageId)).size).toBe(ids.length);
      expect(sink.maxConcurrent()).toBeLessThanOrEqual(2);
    } finally {
      await second.close();
    }
  });

  it('renews leases while a slow relay is still accepting, so nothing is resent as interrupted', async () => {
    sink = await startSmtpSink({ delayMs: 1200 });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '300' });
    const [id] = await m.core.enqueue(m.project.project_id, [message({ recipient: { email: 'slow-relay@example.com' } })]);
    await settled(m, id!, ['sent']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sink.received).toHaveLength(1);
    expect((await attemptsOf(m, id!)).map((a) => a.outcome)).toEqual(['sent']);
  });

  it('does not keep alive a row leased to a worker that never heard of it: it is recovered and sent', async () => {
    // A claim whose reply was lost (the database froze during COMMIT and committed it on waking) leaves a row
    // leased to a live worker that never got it. Renewing every lease the worker "owns" would hold it forever.
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '1', MAILROOM_LEASE_MS: '600' });
    const owner = m.workers!.workers[0]!.owner;
    const [id] = await m.core.enqueue(m.project.project_id, [message({ recipient: { email: 'ghost@example.com' }, scheduledAt: Date.now() + 3_600_000 })]);
    await m.core.engine.db
      .updateTable('outbox_messages')
      .set({ status: 'rendering', lease_owner: owner, lease_expires_at: Date.now() + 600, run_at: Date.now() })
      .where('id', '=', id!)
      .execute();
    await settled(m, id!, ['sent'], 10_000);
    expect(sink.received.map((r) => r.to[0])).toEqual(['ghost@example.com']);
  });

  it('claims higher priority first within a project', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '0', MAILROOM_BATCH_SIZE: '5' });
    const low = Array.from({ length: 20 }, (_, i) => message({ recipient: { email: `low${i}@example.com` } }));
    await m.core.enqueue(m.project.project_id, low);
    await m.core.enqueue(m.project.project_id, [message({ recipient: { email: 'urgent@example.com' }, priority: 10 })]);
    const claimed = await m.core.store.delivery.claimDue({ projectId: m.project.project_id, limit: 3, owner: 'test', now: Date.now(), leaseUntil: Date.now() + 60_000 });
    expect(claimed.map((c) => c.recipientEmail)[0]).toBe('urgent@example.com');
    expect(claimed).toHaveLength(3);
    expect(claimed.every((c) => c.status === 'rendering')).toBe(true);
  });

  it('recovery gives up with server-error once a message has used its attempts in workers that died after hand-off', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '0', MAILROOM_MAX_ATTEMPTS: '2', MAILROOM_LEASE_MS: '200' });
    const delivery = m.core.store.delivery;
    const projectId = m.project.project_id;
    /** A worker claims the message, hands it to SMTP and dies there: the row stays `sending` under a lease that runs out. */
    async function dieAfterHandOff(id: string) {
      const now = Date.now();
      const [claimed] = await delivery.claimDue({ projectId, limit: 1, owner: 'dead-worker', now, leaseUntil: now - 1 });
      expect(claimed?.id).toBe(id);
      await delivery.finishRendering('dead-worker', now, { skips: [], renderErrors: [], handOffs: [{ id, subject: 'Hello', html: '<p>Hello</p>', text: 'Hello' }] });
    }
    const [doomed] = await send(m, { recipient: { email: 'crashes-workers@example.com' } });
    await dieAfterHandOff(doomed!);
    await delivery.recoverExpiredLeases(Date.now(), 2); // queued again: one attempt left
    await dieAfterHandOff(doomed!);
    const [lucky] = await send(m, { recipient: { email: 'lucky@example.com' } });
    await dieAfterHandOff(lucky!);

    const events: Array<{ messageId: string; status: string; reason: string | null }> = [];
    m.core.events.on('email:status', (e) => events.push(e));
    const pool = await startDelivery(m.core, 1);
    try {
      await settled(m, lucky!, ['sent']);
      await settled(m, doomed!, ['server-error']);
    } finally {
      await pool.stop();
    }
    const entry = (await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${doomed}`, headers: m.serverHeaders })).json();
    expect(entry).toMatchObject({ status: 'server-error', simple_status: 'error', attempt_count: 2, last_error: expect.stringMatching(/^gave up: the attempt budget is spent/) });
    expect(entry.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['interrupted', 'interrupted']);
    expect(entry.status_history.at(-1)).toMatchObject({ status: 'server-error', reason: expect.stringMatching(/^gave up/) });
    expect(events).toContainEqual(expect.objectContaining({ messageId: doomed, status: 'server-error', reason: expect.stringMatching(/^gave up/) }));
    // The lucky one had an attempt left and went out; the doomed one was not sent a third time.
    expect(sink.received.map((r) => r.to)).toEqual([['lucky@example.com']]);
  });

  it('stops gracefully: in-flight sends finish and are recorded, nothing stays leased', async () => {
    sink = await startSmtpSink({ delayMs: 30 });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_BATCH_SIZE: '20' });
    const ids = await m.core.enqueue(m.project.project_id, Array.from({ length: 200 }, (_, i) => message({ recipient: { email: `r${i}@example.com` } })));
    await sink.waitFor(10);
    const url = m.config.databaseUrl;
    await m.close();
    m = undefined;
    const inspect = await openEngine(url);
    try {
      const rows = await inspect.db.selectFrom('outbox_messages').select(['id', 'status', 'lease_owner']).execute();
      expect(rows).toHaveLength(ids.length);
      const byStatus = new Map<string, number>();
      for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
      expect([...byStatus.keys()].every((s) => s === 'sent' || s === 'queued')).toBe(true);
      expect(rows.every((r) => r.lease_owner === null)).toBe(true);
      // Every message the server accepted is recorded as sent.
      expect(byStatus.get('sent')).toBe(sink.received.length);
    } finally {
      await inspect.close();
    }
  });
});
