import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function run(command: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(command, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 150_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/**
 * The benchmarks' short variants (SQLite, small counts), so a change cannot leave them broken until
 * someone next wants a figure. They check that each prints its figures beside its baseline; the
 * figures themselves are for docs/benchmarks.md, not for assertions on a shared machine.
 */
describe('benchmarks, short variants', () => {
  it('bench/accept prints single sends, the raw insert floor and the growth per message beside its baselines', { timeout: 180_000 }, () => {
    // npm test builds first; bench/accept runs the built service.
    const out = run('node', ['bench/accept.mjs'], { BENCH_ENGINES: 'sqlite', BENCH_BROADCAST: '2000', BENCH_SECONDS: '0.5', BENCH_WARM_SECONDS: '0.3' });
    const row = out.split('\n').find((line) => line.includes("'sqlite'"));
    expect(row, out).toBeDefined();
    // Every cell of the figures row is a number, a quoted number or '-' (PostgreSQL-only columns).
    const cells = row!.split('│').map((c) => c.trim()).filter(Boolean).slice(2);
    expect(cells.length).toBeGreaterThan(15);
    for (const cell of cells) expect(cell).toMatch(/^('?-?\d+(\.\d+)?'?|'-')$/);
    expect(out).toMatch(/floor: the same rows inserted straight/);
    expect(out).toMatch(/outbox_messages/);
  });

  it('bench/deliver delivers every message through Mailroom and prints the rate, the ratio and the progress writes', { timeout: 180_000 }, () => {
    const out = run('npx', ['vite-node', 'bench/deliver.ts', '--count', '300', '--engines', 'sqlite'], {});
    expect(out).toMatch(/sqlite\s+raw nodemailer\s+\d+ msg\/s .* mailroom\s+\d+ msg\/s .* ratio \d+\.\d\d/);
    expect(out).toMatch(/progress writes \d+, [\d.]+ items each, p50 [\d.]+ ms, p90 [\d.]+ ms: window 10/);
  });
});
