import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestMailroom } from '../support/mailroom.js';
import { startTestMailroom } from '../support/mailroom.js';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { message } from './helpers.js';

const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');

interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
}

/** `mailroom worker` in a child process; resolves once its workers run. */
async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [cli, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', MAILROOM_POLL_MS: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let out = '';
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('delivery workers started')) ready();
    });
    void exited.then((code) => fail(new Error(`worker exited with ${code}: ${stderr}`)));
  });
  return { child, exited, output: () => `${out}${stderr}`.slice(-3000) };
}

function counts(sink: SmtpSink): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of sink.received) seen.set(r.messageId!, (seen.get(r.messageId!) ?? 0) + 1);
  return seen;
}

describe('worker processes', () => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  const children: WorkerProcess[] = [];
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does)');
  });
  afterEach(async () => {
    for (const w of children.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGTERM');
        await w.exited;
      }
    }
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  it.each(['sqlite', 'postgres'] as const)(
    'on %s, kill -9 of one of two worker processes, three times: each kill leaves at most 2 x connections in doubt; all delivered, every duplicate counted',
    async (engine) => {
      sink = await startSmtpSink({ delayMs: 3 });
      m = await startTestMailroom(engine);
      const connections = 3;
      // Leases short enough that the victims' rows come back within the test, long enough that the steady
      // worker's renewals (every third of a lease) do not miss one on a loaded machine: a lapsed lease of a
      // live worker would add interrupted attempts no kill caused.
      const env = { DATABASE_URL: m.config.databaseUrl, SMTP_URL: sink.url, MAILROOM_WORKERS: '2', MAILROOM_LEASE_MS: '3000', MAILROOM_BATCH_SIZE: '50', MAILROOM_RETRY_BASE_MS: '100', MAILROOM_SMTP_MAX_CONNECTIONS: String(connections) };
      const total = 600;
      await m.core.enqueue(m.project.project_id, Array.from({ length: total }, (_, i) => message({ recipient: { email: `r${i}@example.com` } })));
      const steady = await spawnWorker(env);
      children.push(steady);
      const db = m.core.engine.db;
      const inDoubt: number[] = [];
      for (let kill = 1; kill <= 3; kill++) {
        const victim = await spawnWorker(env);
        children.push(victim);
        await sink.waitFor(Math.min(total, sink.received.length + 60), 30_000);
        victim.child.kill('SIGKILL');
        await victim.exited;
        // What recovery will mark interrupted: the victim's rows handed off without a recorded outcome.
        const sending = await db.selectFrom('outbox_messages').select('id').where('status', '=', 'sending').where('lease_owner', 'like', `%:${victim.child.pid}:%`).execute();
        inDoubt.push(sending.length);
      }
      for (const n of inDoubt) expect(n).toBeLessThanOrEqual(2 * connections);

      await eventually(async () => (counts(sink!).size === total ? true : undefined), 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; received ${counts(sink!).size}/${total}; worker: ${steady.output()}`);
      });
      // The last outcomes are recorded just after the sink has the mail.
      const rows = await eventually(async () => {
        // The Message-ID is made from the id and the domain kept with the shared content (migration 0014).
        const all = await db
          .selectFrom('outbox_messages as m')
          .innerJoin('outbox_contents as c', 'c.id', 'm.content_id')
          .select(['m.id', 'm.status', 'c.message_id_domain'])
          .execute();
        return all.every((r) => r.status === 'sent') ? all.map((r) => ({ ...r, message_id_header: `<${r.id}@${r.message_id_domain}>` })) : undefined;
      }, 20_000);
      expect(new Set(rows.map((r) => r.message_id_header))).toEqual(new Set(counts(sink).keys()));
      const interrupted = await db.selectFrom('delivery_attempts').select('message_id').where('outcome', '=', 'interrupted').execute();
      expect(interrupted.length).toBeLessThanOrEqual(inDoubt.reduce((a, b) => a + b, 0));
      const interruptedHeaders = new Set(rows.filter((r) => interrupted.some((i) => i.message_id === r.id)).map((r) => r.message_id_header));
      const duplicated = [...counts(sink)].filter(([, n]) => n > 1).map(([header]) => header);
      // A copy can only come from a message whose hand-off was interrupted, and each one is on record.
      for (const header of duplicated) expect(interruptedHeaders.has(header)).toBe(true);
      expect(sink.received.length - total).toBeLessThanOrEqual(interrupted.length);
    },
    150_000,
  );

  it('mailroom worker delivers into the capture inbox and mailroom inbox reads it', async () => {
    m = await startTestMailroom('sqlite');
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: m.config.databaseUrl, LOG_LEVEL: 'silent' };
    const [id] = await m.core.enqueue(m.project.project_id, [message({ recipient: { email: 'cli@example.com' }, subject: 'From the CLI' })]);
    children.push(await spawnWorker({ DATABASE_URL: m.config.databaseUrl }));
    // A worker process and three CLI runs each start a Node process: seconds apiece on a loaded machine.
    await eventually(async () => ((await m!.core.store.outbox.getMessage(m!.project.project_id, id!))?.status === 'sent' ? true : undefined), 30_000);
    const run = promisify(execFile);
    const listed = JSON.parse((await run(process.execPath, [cli, 'inbox', '--project', m.project.project_id, '--json'], { env })).stdout) as { id: string; to: string[]; subject: string }[];
    expect(listed).toEqual([expect.objectContaining({ to: ['cli@example.com'], subject: 'From the CLI' })]);
    const shown = (await run(process.execPath, [cli, 'inbox', '--project', m.project.project_id, '--show', listed[0]!.id], { env })).stdout;
    expect(shown).toMatch(/^Subject: From the CLI$/m);
    const missing = await run(process.execPath, [cli, 'inbox', '--project', m.project.project_id, '--show', 'nope'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('was not found') });
  }, 60_000);

  it('two worker processes on PostgreSQL deliver 5,000 messages exactly once', async () => {
    sink = await startSmtpSink();
    m = await startTestMailroom('postgres');
    const env = { DATABASE_URL: m.config.databaseUrl, SMTP_URL: sink.url, MAILROOM_WORKERS: '2' };
    children.push(await spawnWorker(env), await spawnWorker(env));
    const total = 5000;
    // Enqueued after the workers started: LISTEN/NOTIFY wakes them.
    await m.core.enqueue(m.project.project_id, Array.from({ length: total }, (_, i) => message({ recipient: { email: `r${i}@example.com` } })));
    await sink.waitFor(total, 90_000);
    await new Promise((done) => setTimeout(done, 300));
    const seen = counts(sink);
    expect(seen.size).toBe(total);
    expect(sink.received.length).toBe(total);
    await eventually(async () => {
      const open = await m!.core.engine.db.selectFrom('outbox_messages').select('id').where('status', '!=', 'sent').limit(1).execute();
      return open.length === 0 ? true : undefined;
    });
  }, 120_000);
});
