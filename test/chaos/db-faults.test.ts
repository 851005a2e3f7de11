/**
 * The short variant of `npm run chaos` for the database faults: real `serve`
 * and `worker` processes (from dist/) on a PostgreSQL server of the test's own,
 * which is stopped and started, then frozen and thawed, mid-run. See
 * chaos/README.md for the full-size runs.
 */
import { describe, expect, it } from 'vitest';
import { runScenarios } from '../../chaos/lib/runner.js';
import { printReport } from '../../chaos/lib/report.js';

describe('database faults (short chaos run on postgres)', () => {
  it('PostgreSQL stopped, then frozen, mid-run: no process exits, 503s within 5 s, nothing lost or stuck, no event gap', { timeout: 420_000 }, async () => {
    const lines: string[] = [];
    const reports = await runScenarios({
      names: ['pg-restart', 'pg-freeze'],
      engines: ['postgres'],
      messages: 200,
      faultMs: 3_000,
      workers: 2,
      // Shorter than the default lease (2 min): a row a lost claim reply left in `rendering` must be given back by
      // its worker within seconds of the database's return, not wait for the lease rule.
      drainTimeoutMs: 90_000,
      log: (line) => lines.push(line),
    });
    for (const r of reports) printReport(r, (line) => lines.push(line));
    expect(reports.map((r) => r.scenario)).toEqual(['pg-restart', 'pg-freeze']);
    for (const r of reports) {
      expect(r.failures, lines.join('\n')).toEqual([]);
      expect(r.exits.every((e) => e.expected)).toBe(true);
      expect(r.receivedUnique).toBe(r.accepted);
      // The outage really was one: requests were made during it and each got its 503.
      expect(r.outage!.requests).toBeGreaterThan(0);
      expect(r.outage!.fast503).toBe(r.outage!.requests);
      expect(r.events!.missing).toBe(0);
    }
  });
});
