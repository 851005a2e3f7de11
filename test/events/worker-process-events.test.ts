/**
 * An API process and a separate `mailroom worker` process on one database
 * (one SQLite file, or one PostgreSQL schema): the worker's delivery events
 * reach the API's WebSocket clients, in id order, each once, and a client
 * that reconnects with ?after= gets exactly what it missed.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { closeClient, listen, openReadyClient, type EventMessage } from './support.js';

const cli = resolve(import.meta.dirname, '../../dist/cli/main.js');

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [cli, 'worker'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', MAILROOM_POLL_MS: '100', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const ready = new Promise<void>((done, fail) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('delivery workers started')) done();
    });
    void exited.then((code) => fail(new Error(`worker exited with ${code}`)));
  });
  return { child, exited, ready };
}

describe.each(engineKinds)('events of a worker process on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
  afterEach(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await m?.close();
    await sink?.close();
    m = sink = worker = undefined;
  });

  it('reach the API process’s WebSocket clients in order, and a resume by id fills the gap', async () => {
    sink = await startSmtpSink();
    m = await startTestMailroom(engine, { env: { MAILROOM_EVENTS_POLL_MS: '50' } });
    const base = await listen(m);
    const url = `${base}/api/v1/events`;
    const live = await openReadyClient(url, m.serverHeaders);
    worker = startWorkerProcess({ DATABASE_URL: m.config.databaseUrl, SMTP_URL: sink.url });
    await worker.ready;

    const total = 40;
    const first = await m.request({
      method: 'POST',
      url: '/mail/send',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: { from: 'app@example.com', to: Array.from({ length: total / 2 }, (_, i) => `a${i}@example.com`), subject: 's', text: 't' },
    });
    expect(first.statusCode).toBe(200);
    const firstIds: string[] = first.json().ids;
    // Every message of the first half is reported sent, by the worker, through this process's log follower.
    const sentOf = (c: { messages: EventMessage[] }, ids: string[]) => ids.filter((id) => c.messages.some((x) => x.type === 'EMAIL_STATUS' && x.id === id && x.status === 'sent'));
    await eventually(async () => (sentOf(live, firstIds).length === firstIds.length ? true : undefined), 30_000);
    const lastSeen = live.messages.filter((x) => typeof x.eventId === 'number').at(-1)!.eventId!;
    await closeClient(live);

    // While no client is connected, the worker delivers the second half.
    const second = await m.request({
      method: 'POST',
      url: '/mail/send',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: { from: 'app@example.com', to: Array.from({ length: total / 2 }, (_, i) => `b${i}@example.com`), subject: 's', text: 't' },
    });
    const secondIds: string[] = second.json().ids;
    await sink.waitFor(total, 30_000);
    await eventually(async () => {
      const rows = await m!.core.engine.db.selectFrom('outbox_messages').select('status').where('status', '!=', 'sent').execute();
      return rows.length === 0 ? true : undefined;
    });

    const resumed = await openReadyClient(`${url}?after=${lastSeen}`, m.serverHeaders);
    expect(sentOf(resumed, secondIds)).toEqual(secondIds);
    await closeClient(resumed);

    // Live and resumed together: every event of the project's log after the first seen, once, in order.
    const got = [...live.messages, ...resumed.messages].map((x) => x.eventId).filter((id): id is number => typeof id === 'number');
    // The log as a reader sees it (a span row of status events expands into one event per message).
    const log = (await m.core.store.events.readAfter(m.project.project_id, 0, 1_000_000)).map((e) => e.id);
    expect(got).toEqual(log.filter((id) => id >= got[0]!));
    const statuses = (id: string) => [...live.messages, ...resumed.messages].filter((x) => x.id === id).map((x) => x.status);
    expect(statuses(secondIds[0]!)).toEqual(['queued', 'rendering', 'sending', 'sent']);
  }, 90_000);
});
