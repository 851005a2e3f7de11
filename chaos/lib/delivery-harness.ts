/**
 * Minimal helpers for the delivery chaos scenarios (chaos/scenarios/delivery-*.ts):
 * worker processes to kill, a fresh database per scenario, and the counts every
 * scenario prints. Shaped like the chaos framework's Scenario/Report so the two
 * can be unified: { name, engines, run(ctx): Promise<Report> }.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createCore } from '../../src/compose.js';
import { createLogger } from '../../src/logger.js';
import type { NewMessage } from '../../src/core/outbox/types.js';
import type { OutboxStatus } from '../../src/core/outbox/lifecycle.js';
import type { SmtpSink } from '../../test/support/smtp-sink.js';

export type EngineKind = 'sqlite' | 'postgres';

export interface DeliveryScenarioContext {
  engine: EngineKind;
  /** PostgreSQL server URL (engine 'postgres'); each scenario takes a schema of its own. */
  postgresUrl?: string;
  /** Messages to send. */
  messages: number;
  /** How long a fault lasts, ms (relay down). */
  faultMs: number;
  log(line: string): void;
}

export interface Report {
  name: string;
  engine: EngineKind;
  figures: Record<string, number | string | boolean>;
  /** Broken promises; empty means the scenario passed. */
  failures: string[];
}

export interface DeliveryScenario {
  name: string;
  engines: EngineKind[];
  run(ctx: DeliveryScenarioContext): Promise<Report>;
}

const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');

export function freshDatabase(ctx: DeliveryScenarioContext): string {
  if (ctx.engine === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-chaos-')), 'mailroom.db')}`;
  if (!ctx.postgresUrl) throw new Error('a postgres scenario needs a PostgreSQL URL');
  return `${ctx.postgresUrl}?schema=d_${randomBytes(5).toString('hex')}`;
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** `mailroom worker` in a child process; resolves once its workers run. */
export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [cli, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', MAILROOM_POLL_MS: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-4000)));
  await new Promise<void>((ready, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      out = (out + c.toString()).slice(-4000);
      if (out.includes('delivery workers started')) ready();
    });
    void exited.then(({ code }) => fail(new Error(`worker exited with ${code}: ${out}`)));
  });
  return { child, pid: child.pid!, exited, output: () => out };
}

/** The service side of a scenario: its own database, one project, and a way to accept mail. */
export async function openOutbox(databaseUrl: string) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent' });
  const core = await createCore(config, { logger: createLogger('silent') });
  const project = await core.projects.createProject({ name: 'chaos', settings: { defaultSender: 'chaos@example.com' } });
  return {
    core,
    async accept(count: number, prefix = 'r'): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 500) {
        const batch: NewMessage[] = Array.from({ length: Math.min(500, count - i) }, (_, j) => ({
          source: 'broadcast',
          recipient: { email: `${prefix}${i + j}@example.com` },
          subject: `Chaos ${i + j}`,
          html: '<p>Hello from the chaos run</p>',
        }));
        ids.push(...(await core.enqueue(project.project_id, batch)));
      }
      return ids;
    },
    /** Rows still held by a process, by pid (the part of the lease owner that names it). */
    async sendingOf(pid: number): Promise<number> {
      const rows = await core.engine.db.selectFrom('outbox_messages').select('id').where('status', '=', 'sending').where('lease_owner', 'like', `%:${pid}:%`).execute();
      return rows.length;
    },
    close: () => core.close(),
  };
}

export type Outbox = Awaited<ReturnType<typeof openOutbox>>;

const terminal: OutboxStatus[] = ['sent', 'bounced', 'server-error', 'skipped', 'render-error'];

/** Waits until every row is in a terminal state; returns how long it took (or -1 on timeout). */
export async function waitForDrain(outbox: Outbox, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const open = await outbox.core.engine.db.selectFrom('outbox_messages').select('id').where('status', 'not in', terminal).limit(1).execute();
    if (open.length === 0) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  return -1;
}

/** accepted / received unique / duplicates (all with interrupted?) / lost / stuck, from the sink and the database. */
export async function count(outbox: Outbox, sink: SmtpSink, accepted: number) {
  const db = outbox.core.engine.db;
  const rows = await db.selectFrom('outbox_messages').select(['id', 'status', 'message_id_header']).execute();
  const seen = new Map<string, number>();
  for (const r of sink.received) if (r.messageId) seen.set(r.messageId, (seen.get(r.messageId) ?? 0) + 1);
  const interrupted = new Set((await db.selectFrom('delivery_attempts').select('message_id').where('outcome', '=', 'interrupted').execute()).map((a) => a.message_id));
  const byHeader = new Map(rows.map((r) => [r.message_id_header, r]));
  const duplicated = [...seen].filter(([, n]) => n > 1);
  const duplicatesWithoutInterrupted = duplicated.filter(([header]) => !interrupted.has(byHeader.get(header)?.id ?? '')).length;
  const stuck = rows.filter((r) => !terminal.includes(r.status)).length;
  // Ended without reaching the sink (sent but never received, or given up on).
  const lost = rows.filter((r) => terminal.includes(r.status) && !seen.has(r.message_id_header ?? '')).length;
  return {
    accepted,
    receivedUnique: seen.size,
    duplicates: duplicated.reduce((n, [, c]) => n + c - 1, 0),
    duplicatesAllInterrupted: duplicatesWithoutInterrupted === 0,
    interruptedAttempts: interrupted.size,
    lost,
    stuck,
  };
}

/** The promises every delivery scenario keeps. */
export function commonFailures(figures: Awaited<ReturnType<typeof count>> & { drainMs: number }): string[] {
  const failures: string[] = [];
  if (figures.lost > 0) failures.push(`${figures.lost} ended without reaching the sink`);
  if (figures.stuck > 0) failures.push(`${figures.stuck} messages stuck`);
  if (figures.receivedUnique < figures.accepted) failures.push(`only ${figures.receivedUnique} of ${figures.accepted} received`);
  if (!figures.duplicatesAllInterrupted) failures.push('a duplicate without an interrupted attempt');
  if (figures.drainMs < 0) failures.push('did not drain in time');
  return failures;
}

export async function stopAll(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
  }
}
