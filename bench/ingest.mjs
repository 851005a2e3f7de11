// SMTP ingest throughput: nodemailer 7 and nodemailer 10, 5 pooled connections, each message
// answered only once committed, beside a bare smtp-server that only reads the message (same run).
// Run after `npm run build`:  node bench/ingest.mjs   (BENCH_MESSAGES=2000 by default; SQLite)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer7 from 'nodemailer';
import nodemailer10 from 'nodemailer10';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../dist/config.js';
import { createMailroom } from '../dist/compose.js';
import { createLogger } from '../dist/logger.js';
import { tuneIngestSocket } from '../dist/ingest/socket-options.js';

const total = Number(process.env.BENCH_MESSAGES ?? 2000);

async function send(nodemailer, port, auth) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 5, maxMessages: Infinity, auth });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      transport.sendMail({ from: 'app@example.com', to: `r${i}@example.com`, subject: `Message ${i}`, text: 'hello', html: '<p>hello</p>' }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return Math.round(total / seconds);
}

async function bareServer() {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], allowInsecureAuth: true, logger: false,
    onAuth: (_a, _s, cb) => cb(null, { user: 'x' }),
    onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => cb()); },
  });
  // The listener's own socket options (TCP_NODELAY, TCP_QUICKACK), so both sides meet the same TCP.
  server.server.on('connection', tuneIngestSocket);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.server.address().port };
}

const dir = mkdtempSync(join(tmpdir(), 'mailroom-bench-ingest-'));
const config = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', SMTP_INGEST_PORT: '0', PORT: '0' });
const m = await createMailroom(config, { logger: createLogger('silent') });
const project = await m.core.projects.createProject({ name: 'bench' });
const auth = { user: project.project_id, pass: project.secret_server_key };
const bare = await bareServer();
const results = [];
for (const [name, nodemailer] of [['nodemailer 7', nodemailer7], ['nodemailer 10', nodemailer10]]) {
  const baseline = await send(nodemailer, bare.port, { user: 'x', pass: 'y' });
  const mailroom = await send(nodemailer, m.ingest.port, auth);
  results.push({ client: name, 'Mailroom msg/s': mailroom, 'bare smtp-server msg/s': baseline, ratio: (mailroom / baseline).toFixed(2) });
}
await new Promise((resolve) => bare.server.close(resolve));
await m.close();
rmSync(dir, { recursive: true, force: true });
console.table(results);
console.log(`${total} messages each, 5 pooled connections; Mailroom answers each DATA once its messages are committed (SQLite).`);
