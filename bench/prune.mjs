// Send latency while retention prunes a large outbox: p50/p99/max of `POST /mail/send` paced at a fixed
// rate, first with nothing else running (the same-run baseline), then while `pruner.run()` deletes
// BENCH_PRUNE_ROWS finished messages (default 1,000,000) in its batches. SQLite; after `npm run build`:
//   node bench/prune.mjs            BENCH_PRUNE_ROWS=200000 BENCH_PRUNE_BATCH=500 BENCH_RATE=200
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../dist/config.js';
import { createMailroom } from '../dist/compose.js';
import { createLogger } from '../dist/logger.js';
import { closeConnections, post } from './lib/post.mjs';

const rows = Number(process.env.BENCH_PRUNE_ROWS ?? 1_000_000);
const batch = Number(process.env.BENCH_PRUNE_BATCH ?? 500);
const rate = Number(process.env.BENCH_RATE ?? 200);
const baselineSeconds = Number(process.env.BENCH_SECONDS ?? 5);

/** Open loop at `rate`/s until `until()` is true; latency percentiles in ms. */
async function paced(port, payload, headers, until) {
  const latencies = [];
  const pending = [];
  const start = performance.now();
  for (let i = 0; !until(); i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    pending.push(post(port, '/mail/send', payload, headers).then(() => latencies.push(performance.now() - t)));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  return { sends: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1].toFixed(1) };
}

const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-prune-'));
const url = `sqlite:${join(dir, 'bench.db')}`;
const config = loadConfig({
  DATABASE_URL: url, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', PORT: '0', MAILROOM_PRUNE_INTERVAL_S: '0',
  MAILROOM_RATE_LIMIT_PER_ADDRESS: '0', MAILROOM_RATE_LIMIT_PER_KEY: '0',
});
const m = await createMailroom(config, { logger: createLogger('silent') });
await m.app.listen({ port: 0, host: '127.0.0.1' });
const port = m.app.server.address().port;
const project = await m.core.projects.createProject({ name: 'bench' });
const auth = { authorization: `Bearer ${project.secret_server_key}` };

// Fill: broadcasts of 50,000, then every message made finished and older than the history period.
const fillStart = performance.now();
for (let done = 0; done < rows; done += 50_000) {
  const to = Array.from({ length: Math.min(50_000, rows - done) }, (_, i) => `old${done + i}@example.com`);
  await post(port, '/mail/broadcast', JSON.stringify({ from: 'news@example.com', to, subject: 'Old', html: '<p>old</p>' }), auth);
}
const old = Date.now() - 400 * 86_400_000;
m.core.engine.sqlite.prepare(`update outbox_messages set status = 'sent', sent_at = ?, updated_at = ?, created_at = ?`).run(old, old, old);
m.core.engine.sqlite.prepare('update outbox_contents set created_at = ?').run(old);
m.core.engine.sqlite.pragma('wal_checkpoint(TRUNCATE)');
const fillSeconds = ((performance.now() - fillStart) / 1000).toFixed(0);

const single = JSON.stringify({ from: 'app@example.com', to: 'user@example.com', subject: 'Hello', html: '<p>Hello world</p>' });
const baselineEnd = performance.now() + baselineSeconds * 1000;
const baseline = await paced(port, single, auth, () => performance.now() > baselineEnd);

let pruned;
const pruneStart = performance.now();
const pruning = m.core.pruner.run({ batch }).then((counts) => (pruned = counts));
const during = await paced(port, single, auth, () => pruned !== undefined);
await pruning;
const pruneSeconds = (performance.now() - pruneStart) / 1000;

await m.close();
closeConnections();
rmSync(dir, { recursive: true, force: true });
console.table([
  { phase: 'sends alone (baseline)', ...baseline },
  { phase: `sends while pruning ${pruned.messages} messages`, ...during },
]);
console.log(`rate ${rate}/s; prune batch ${batch}; pruned ${JSON.stringify(pruned)} in ${pruneSeconds.toFixed(1)} s (${Math.round(pruned.messages / pruneSeconds)} messages/s); fill took ${fillSeconds} s`);
console.log(`p99 ratio (while pruning ÷ alone): ${(during.p99 / baseline.p99).toFixed(2)}`);
