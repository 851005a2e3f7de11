/**
 * `npm run chaos [-- scenario ...] [--engine sqlite|postgres] [--messages N] [--fault-ms MS] [--workers N] [--drain-timeout-ms MS]`
 *
 * Runs the named scenarios (all by default) against real Mailroom processes,
 * a real SMTP sink and (for PostgreSQL) a PostgreSQL server of its own, all on
 * loopback. Bounded: every scenario has a drain deadline and the whole run a
 * time limit, after which it stops by itself. Exits 1 when a scenario fails.
 */
import { printReport } from './lib/report.js';
import { runScenarios, type RunOptions } from './lib/runner.js';
import type { EngineKind } from './lib/scenario.js';

function parseArgs(argv: string[]): RunOptions {
  const o: RunOptions = { names: [], engines: ['sqlite', 'postgres'], messages: 1000, faultMs: 10_000, workers: 2, drainTimeoutMs: 120_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const bounded = (v: string, min: number, max: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${a} must be an integer between ${min} and ${max}`);
      return n;
    };
    if (a === '--engine') o.engines = [value() as EngineKind];
    else if (a === '--messages') o.messages = bounded(value(), 1, 100_000);
    else if (a === '--fault-ms') o.faultMs = bounded(value(), 0, 120_000);
    else if (a === '--workers') o.workers = bounded(value(), 1, 8);
    else if (a === '--drain-timeout-ms') o.drainTimeoutMs = bounded(value(), 1000, 600_000);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.names.push(a);
  }
  return o;
}

{
  const options = parseArgs(process.argv.slice(2));
  // The whole run stops by itself: no scenario may hang the machine.
  const limit = setTimeout(() => {
    process.stderr.write('chaos: run time limit reached; stopping\n');
    process.exit(2);
  }, 30 * 60_000);
  limit.unref();
  runScenarios(options).then(
    (reports) => {
      for (const r of reports) printReport(r);
      const failed = reports.filter((r) => r.failures.length > 0);
      process.stdout.write(`\n${reports.length - failed.length}/${reports.length} scenarios passed\n`);
      process.exit(failed.length > 0 ? 1 : 0);
    },
    (error: unknown) => {
      process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
