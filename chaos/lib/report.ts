/**
 * The one result shape every scenario returns, and its printout. A scenario
 * passes when `failures` is empty; each failure says what was expected.
 */
import type { ProcessExit } from './processes.js';
import type { Exchange } from './load.js';
import type { MailOutcome } from './outcome.js';

export interface OutageFigures {
  /** Requests that started and ended while the database was away. */
  requests: number;
  /** Of those, answered 503 with Retry-After within 5 s. */
  fast503: number;
  /** Anything else, as "what status in N ms". */
  others: string[];
  /** Longest answer of a request during the outage, ms. */
  slowestMs: number;
  /** /readyz answers during the outage: how many were 503 within 2 s, out of how many. */
  readyz: { fast503: number; total: number };
  /** /healthz answers during the outage that were 200, out of how many. */
  healthz: { ok: number; total: number };
}

export interface EventFigures {
  received: number;
  expected: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
}

export interface Report extends MailOutcome {
  scenario: string;
  engine: 'sqlite' | 'postgres';
  /** From the end of the fault until the last accepted message reached the sink; null if it never did. */
  drainMs: number | null;
  exits: ProcessExit[];
  outage?: OutageFigures;
  events?: EventFigures;
  notes: string[];
  /** A scenario's own measurements (connections opened, time to stop, ...), printed as they are. */
  figures?: Record<string, number | string | boolean>;
  failures: string[];
}

/** Outage figures from every exchange recorded (load and probes) between `from` and `to`. */
export function outageFigures(exchanges: readonly Exchange[], from: number, to: number): OutageFigures {
  const during = exchanges.filter((x) => x.startedAt >= from && x.endedAt <= to);
  const api = during.filter((x) => !x.what.includes('/healthz') && !x.what.includes('/readyz'));
  const ms = (x: Exchange) => x.endedAt - x.startedAt;
  const fast = api.filter((x) => x.status === 503 && x.retryAfter !== null && ms(x) <= 5_000);
  const readyz = during.filter((x) => x.what.includes('/readyz'));
  const healthz = during.filter((x) => x.what.includes('/healthz'));
  return {
    requests: api.length,
    fast503: fast.length,
    others: api.filter((x) => !fast.includes(x)).map((x) => `${x.what} ${x.status} in ${ms(x)} ms`),
    slowestMs: Math.max(0, ...api.map(ms)),
    readyz: { fast503: readyz.filter((x) => x.status === 503 && ms(x) <= 2_000).length, total: readyz.length },
    healthz: { ok: healthz.filter((x) => x.status === 200).length, total: healthz.length },
  };
}

/** The checks every scenario shares; scenario-specific ones are pushed by the scenario. */
export function commonFailures(r: Omit<Report, 'failures'>): string[] {
  const f: string[] = [];
  if (r.lost > 0) f.push(`${r.lost} accepted messages lost`);
  if (r.stuck > 0) f.push(`${r.stuck} accepted messages stuck`);
  if (r.drainMs === null) f.push('the outbox did not drain in time');
  if (r.duplicates > r.duplicatesExplained) f.push(`${r.duplicates - r.duplicatesExplained} duplicates without an interrupted attempt`);
  const unexpected = r.exits.filter((e) => !e.expected);
  if (unexpected.length > 0) f.push(`processes exited on their own: ${unexpected.map((e) => `${e.name} (${e.code ?? e.signal})`).join(', ')}`);
  const bad = r.exits.filter((e) => e.expected && e.signal === null && e.code !== 0);
  if (bad.length > 0) f.push(`processes stopped with a failure code: ${bad.map((e) => `${e.name} (${e.code})`).join(', ')}`);
  if (r.outage) {
    if (r.outage.fast503 < r.outage.requests) f.push(`${r.outage.requests - r.outage.fast503} requests during the outage were not 503 within 5 s: ${r.outage.others.slice(0, 5).join('; ')}`);
    if (r.outage.readyz.fast503 < r.outage.readyz.total) f.push(`/readyz was not 503 within 2 s ${r.outage.readyz.total - r.outage.readyz.fast503} times`);
    if (r.outage.healthz.ok < r.outage.healthz.total) f.push(`/healthz failed ${r.outage.healthz.total - r.outage.healthz.ok} times`);
  }
  if (r.events && (r.events.missing > 0 || r.events.duplicates > 0 || r.events.outOfOrder > 0)) {
    f.push(`events: ${r.events.missing} missing, ${r.events.duplicates} duplicated, ${r.events.outOfOrder} out of order`);
  }
  return f;
}

export function printReport(r: Report, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  write(`\n== ${r.scenario} on ${r.engine}: ${r.failures.length === 0 ? 'PASS' : 'FAIL'}`);
  write(`   accepted ${r.accepted}, received unique ${r.receivedUnique}, duplicates ${r.duplicates} (${r.duplicatesExplained} with an interrupted attempt), lost ${r.lost}, stuck ${r.stuck}`);
  write(`   time to drain ${r.drainMs === null ? 'did not drain' : `${(r.drainMs / 1000).toFixed(1)} s`}; statuses ${JSON.stringify(r.statuses)}`);
  write(`   process exits: ${r.exits.map((e) => `${e.name}=${e.code ?? e.signal}${e.expected ? '' : ' (UNEXPECTED)'}`).join(', ') || 'none'}`);
  if (r.outage) {
    const o = r.outage;
    write(`   during the outage: ${o.requests} requests, ${o.fast503} got 503 + Retry-After within 5 s (slowest ${o.slowestMs} ms); /readyz 503 within 2 s ${o.readyz.fast503}/${o.readyz.total}; /healthz 200 ${o.healthz.ok}/${o.healthz.total}`);
  }
  if (r.events) write(`   events: received ${r.events.received} of ${r.events.expected}, missing ${r.events.missing}, duplicated ${r.events.duplicates}, out of order ${r.events.outOfOrder}`);
  if (r.figures && Object.keys(r.figures).length > 0) write(`   ${Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const n of r.notes) write(`   note: ${n}`);
  for (const f of r.failures) write(`   FAILED: ${f}`);
}
