/**
 * The scenario interface (see chaos/README.md) and the one run shape most
 * scenarios share: deploy, send while watching events, inject a fault
 * mid-run, heal it, let the outbox drain, then count.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SmtpSink } from '../../test/support/smtp-sink.js';
import type { ChaosPostgres } from './postgres.js';
import { deploy, type Deployment } from './mailroom.js';
import { startLoad, startProbe, type Exchange } from './load.js';
import { eventGaps, watchEvents } from './events.js';
import { mailOutcome, waitForDrain } from './outcome.js';
import { commonFailures, outageFigures, type Report } from './report.js';

export type EngineKind = 'sqlite' | 'postgres';

export interface ScenarioContext {
  engine: EngineKind;
  /** The run's PostgreSQL server (engine 'postgres' only); scenarios may stop, start, freeze and thaw it. */
  postgres?: ChaosPostgres;
  /** A real SMTP sink on loopback, fresh for this scenario. */
  sink: SmtpSink;
  /** Messages to send. */
  messages: number;
  /** How long a fault lasts, ms. */
  faultMs: number;
  /** Worker processes beside the API process. */
  workers: number;
  /** Longest wait for the outbox to drain after the fault, ms. */
  drainTimeoutMs: number;
  log(line: string): void;
}

export interface Scenario {
  name: string;
  engines: EngineKind[];
  run(ctx: ScenarioContext): Promise<Report>;
}

/** A database of the scenario's own: a new SQLite file, or a new schema on the run's PostgreSQL. */
export function freshDatabase(ctx: ScenarioContext): string {
  if (ctx.engine === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-chaos-')), 'mailroom.db')}`;
  if (!ctx.postgres) throw new Error('a postgres scenario needs the run’s PostgreSQL');
  return `${ctx.postgres.url}?schema=c_${randomBytes(5).toString('hex')}`;
}

export interface Fault {
  /** True when the database itself is away: requests in the window must get 503 within 5 s. */
  databaseOutage: boolean;
  /** True when the fault must not cause any duplicate (a graceful stop). */
  noDuplicates?: boolean;
  inject(d: Deployment, ctx: ScenarioContext): Promise<void>;
  heal(d: Deployment, ctx: ScenarioContext): Promise<void>;
}

/** Runs `fault` in the middle of a send of ctx.messages and reports. */
export async function runWithFault(name: string, ctx: ScenarioContext, fault: Fault): Promise<Report> {
  const databaseUrl = freshDatabase(ctx);
  const d = await deploy({ databaseUrl, smtpUrl: ctx.sink.url, workers: ctx.workers });
  const notes: string[] = [];
  try {
    const watcher = await watchEvents(d.base, d.projectId, d.key);
    const perRequest = Math.max(1, Math.min(100, Math.ceil(ctx.messages / 50)));
    // Spread the sends so that some are still to come when the fault hits and during it.
    const load = startLoad({ base: d.base, key: d.key, total: ctx.messages, perRequest, concurrency: 2, pauseMs: 100 });
    while (load.accepted.length < ctx.messages * 0.3 && load.exchanges.length < 10_000) await new Promise((r) => setTimeout(r, 50));
    ctx.log(`${name}: ${load.accepted.length} accepted; injecting the fault`);
    if (fault.databaseOutage) await watcher.disconnect();
    const probe = fault.databaseOutage ? startProbe(d.base, d.key, 250) : undefined;
    const from = Date.now();
    await fault.inject(d, ctx);
    await new Promise((r) => setTimeout(r, ctx.faultMs));
    const to = Date.now();
    await probe?.stop();
    ctx.log(`${name}: healing after ${((to - from) / 1000).toFixed(1)} s`);
    await fault.heal(d, ctx);
    const healedAt = Date.now();
    const progress = setInterval(() => {
      const last = load.exchanges[load.exchanges.length - 1];
      ctx.log(`${name}: ${load.accepted.length} accepted so far; last answer ${last ? `${last.status} in ${last.endedAt - last.startedAt} ms` : 'none'}`);
    }, 5_000);
    await load.done.finally(() => clearInterval(progress));
    const accepted = [...load.accepted, ...(probe?.accepted ?? [])];
    ctx.log(`${name}: all ${accepted.length} accepted; waiting for the outbox to drain`);
    const drained = await waitForDrain(ctx.sink, accepted, ctx.drainTimeoutMs);
    const drainMs = drained === null ? null : Date.now() - healedAt;
    if (fault.databaseOutage) await watcher.resume();
    const outcome = await mailOutcome(databaseUrl, ctx.sink, accepted);
    // Let the last events (the final `sent` statuses) arrive before comparing with the log.
    const lastId = outcome.logEventIds[outcome.logEventIds.length - 1];
    const deadline = Date.now() + 10_000;
    while (lastId !== undefined && !watcher.ids.includes(lastId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await watcher.close();
    await d.stop();
    const exchanges: Exchange[] = [...load.exchanges, ...(probe?.exchanges ?? [])];
    const { logEventIds, ...mail } = outcome;
    const report: Omit<Report, 'failures'> = {
      scenario: name,
      engine: ctx.engine,
      ...mail,
      drainMs,
      exits: d.group.exits,
      ...(fault.databaseOutage ? { outage: outageFigures(exchanges, from, to) } : {}),
      events: eventGaps(watcher.ids, logEventIds),
      notes,
    };
    const failures = commonFailures(report);
    if (fault.noDuplicates && report.duplicates > 0) failures.push(`${report.duplicates} duplicates after a graceful stop`);
    return { ...report, failures };
  } catch (error) {
    await d.stop().catch(() => undefined);
    throw error;
  }
}
