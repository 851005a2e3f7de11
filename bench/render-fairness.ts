/**
 * A light tenant's preview latency (p50/p99, over real HTTP) while hostile
 * tenants render templates that run to the engine's time limit, against the
 * same light request on the idle service in the same run. Issue #11's target:
 * light p99 < 50 ms while one tenant runs 30 heavy renders in parallel.
 * Run: npm run bench:fairness   (MAILROOM_RENDER_THREADS to change the pool size; build first: the pool runs dist/)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createMailroom } from '../src/compose.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig({
  DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-bench-')), 'bench.db')}`,
  LOG_LEVEL: 'silent',
  PORT: '0',
  HOST: '127.0.0.1',
  MAILROOM_WORKERS: '0',
  MAILROOM_RATE_LIMIT_PER_KEY: '0',
  MAILROOM_RATE_LIMIT_PER_ADDRESS: '0',
  ...(process.env.MAILROOM_RENDER_THREADS ? { MAILROOM_RENDER_THREADS: process.env.MAILROOM_RENDER_THREADS } : {}),
});
const mailroom = await createMailroom(config, { logger: createLogger('silent') });
const address = await mailroom.app.listen({ port: 0, host: '127.0.0.1' });
const keyOf = async (name: string) => (await mailroom.core.projects.createProject({ name })).secret_server_key;
const light = await keyOf('light');
const hostile = [await keyOf('hostile 1'), await keyOf('hostile 2'), await keyOf('hostile 3')];

const heavyHtml = '{% for i in (1..3000) %}{% for j in (1..3000) %}{% endfor %}{% endfor %}';
const preview = async (key: string, body: object) => {
  const res = await fetch(`${address}/api/v1/email/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
};
const lightOnce = async () => {
  const started = performance.now();
  const status = await preview(light, { subject: 'Hi {{ name }}', html: '<p>{{ name }}</p>', variables: { name: 'Ada' } });
  if (status !== 200) throw new Error(`light preview answered ${status}`);
  return performance.now() - started;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

async function underLoad(tenants: string[], perTenant: number): Promise<number[]> {
  let done = 0;
  const heavy = tenants.flatMap((key) => Array.from({ length: perTenant }, () => preview(key, { subject: 's', html: heavyHtml, variables: { x: 1 } }).finally(() => done++)));
  const durations: number[] = [];
  while (done < heavy.length) durations.push(await lightOnce());
  const statuses = await Promise.all(heavy);
  if (statuses.some((s) => s >= 500)) throw new Error(`a heavy preview answered ${statuses.find((s) => s >= 500)}`);
  return durations;
}

for (let i = 0; i < 20; i++) await lightOnce(); // warm up
const idle: number[] = [];
for (let i = 0; i < 300; i++) idle.push(await lightOnce());
const report = (label: string, values: number[]) =>
  console.log(
    `${label.padEnd(36)} ${String(values.length).padStart(5)} requests  p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms` +
      `  (p99 ${(percentile(values, 99) / percentile(idle, 99)).toFixed(1)}x idle)`,
  );
console.log(`render threads: ${config.renderThreads}`);
report('idle (baseline)', idle);
const one = await underLoad(hostile.slice(0, 1), 30);
report('1 tenant x 30 heavy renders', one);
const three = await underLoad(hostile, 10);
report('3 tenants x 10 heavy renders', three);
console.log(`target light p99 < 50 ms with 1 tenant x 30: ${percentile(one, 99) < 50 ? 'met' : 'NOT met'} (${percentile(one, 99).toFixed(1)} ms)`);
await mailroom.close();
