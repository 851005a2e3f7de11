/**
 * The service in this process, talking to PostgreSQL through a TCP proxy the
 * test controls: "down" drops every connection and refuses new ones, "frozen"
 * keeps connections open and forwards nothing. The process must not crash (an
 * unhandled 'error' on a pg client would end the test run), every family
 * answers 503 in its own error shape with Retry-After within 5 s, /readyz 503
 * within 2 s, /healthz 200, SMTP ingest 451 after DATA, and everything works
 * again once the database is back.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { eventually } from '../support/smtp-sink.js';

interface Proxy {
  url: string;
  down(): void;
  freeze(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startProxy(target: URL): Promise<Proxy> {
  let mode: 'up' | 'down' | 'frozen' = 'up';
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    if (mode === 'down') return client.destroy();
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (d) => mode === 'up' && upstream.write(d));
    upstream.on('data', (d) => mode === 'up' && client.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const dropAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  const url = new URL(target);
  url.port = String(port);
  return {
    url: url.toString(),
    down() {
      mode = 'down';
      dropAll();
    },
    freeze() {
      mode = 'frozen';
    },
    restore() {
      // Whatever was swallowed while frozen is gone: those connections are broken, so drop them.
      if (mode === 'frozen') dropAll();
      mode = 'up';
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One raw SMTP conversation up to (not including) the end of DATA. */
async function smtpSession(port: number, key: string) {
  const socket = createConnection({ host: '127.0.0.1', port });
  let buffer = '';
  socket.on('data', (d) => (buffer += d.toString()));
  const expectReply = async (code: string) => {
    await eventually(async () => (new RegExp(`^${code}[ -]`, 'm').test(buffer) ? true : undefined), 10_000);
    const got = buffer;
    buffer = '';
    return got;
  };
  const send = async (line: string, code: string) => {
    socket.write(`${line}\r\n`);
    return expectReply(code);
  };
  await expectReply('220');
  await send('EHLO test', '250');
  await send(`AUTH PLAIN ${Buffer.from(`\0mailroom\0${key}`).toString('base64')}`, '235');
  await send('MAIL FROM:<app@example.com>', '250');
  await send('RCPT TO:<someone@example.com>', '250');
  await send('DATA', '354');
  return {
    finish: () => send('From: app@example.com\r\nTo: someone@example.com\r\nSubject: hi\r\n\r\nhello\r\n.', '\\d{3}'),
    close: () => socket.destroy(),
  };
}

const families = [
  { name: 'stack', url: '/api/v1/emails/outbox', headers: (m: TestMailroom) => m.serverHeaders, shape: { code: 'DATABASE_UNAVAILABLE', error: expect.any(String) } },
  { name: 'email', url: '/api/v1/email/blocks', headers: (m: TestMailroom) => ({ authorization: `Bearer ${m.project.secret_server_key}` }), shape: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } },
  { name: 'mail', url: '/mail/emails', headers: (m: TestMailroom) => ({ authorization: `Bearer ${m.project.secret_server_key}` }), shape: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } },
  { name: 'email-templates', url: '/api/email-templates', headers: (m: TestMailroom) => ({ authorization: `Bearer ${m.project.secret_server_key}` }), shape: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } },
] as const;

describe('a PostgreSQL outage seen by the service', () => {
  let m: TestMailroom | undefined;
  let proxy: Proxy | undefined;
  afterEach(async () => {
    proxy?.restore();
    await m?.close();
    await proxy?.close();
    m = proxy = undefined;
  });

  async function start(): Promise<TestMailroom> {
    const target = new URL(inject('postgresUrl'));
    target.searchParams.set('schema', `t_${randomBytes(6).toString('hex')}`);
    proxy = await startProxy(target);
    // The production bounds, not the test suite's generous ones.
    m = await startTestMailroom('postgres', {
      env: {
        DATABASE_URL: proxy.url,
        SMTP_INGEST_PORT: '0',
        MAILROOM_DB_STATEMENT_TIMEOUT_MS: '3000',
        MAILROOM_DB_LOCK_TIMEOUT_MS: '3000',
        MAILROOM_DB_CONNECT_TIMEOUT_MS: '2000',
      },
    });
    return m;
  }

  for (const fault of ['down', 'frozen'] as const) {
    it(`answers 503 in every family's shape within 5 s while the database is ${fault}, then recovers`, async () => {
      const m = await start();
      const ok = await m.request({ method: 'GET', url: '/mail/emails', headers: families[2].headers(m) });
      expect(ok.statusCode).toBe(200);
      const smtp = await smtpSession(m.ingest!.port, m.project.secret_server_key);

      if (fault === 'down') proxy!.down();
      else proxy!.freeze();

      for (const family of families) {
        const started = Date.now();
        const res = await m.request({ method: 'GET', url: family.url, headers: family.headers(m) });
        expect(Date.now() - started, family.name).toBeLessThan(5_000);
        expect(res.statusCode, `${family.name}: ${res.body}`).toBe(503);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        expect(res.json()).toMatchObject(family.shape);
        // Not one of Stack's known errors: like Stack's own plain 5xx it carries no known-error header, so the SDK reports the status.
        if (family.name === 'stack') expect(res.headers['x-stack-known-error']).toBeUndefined();
      }
      const send = await m.request({ method: 'POST', url: '/mail/send', headers: families[2].headers(m), body: { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' } });
      expect(send.statusCode).toBe(503);
      let started = Date.now();
      const ready = await m.request({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await m.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      started = Date.now();
      expect(await smtp.finish()).toMatch(/^451 /m);
      expect(Date.now() - started).toBeLessThan(6_000);
      smtp.close();

      proxy!.restore();
      // Back within a couple of seconds: a request succeeds and nothing was committed by the refused send.
      const back = await eventually(async () => {
        const res = await m.request({ method: 'GET', url: '/mail/emails', headers: families[2].headers(m) });
        return res.statusCode === 200 ? res : undefined;
      }, 10_000, 200);
      expect(back.json().data ?? back.json()).toBeDefined();
      expect((await m.request({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const after = await m.request({ method: 'POST', url: '/mail/send', headers: families[2].headers(m), body: { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' } });
      expect(after.statusCode).toBe(200);
    }, 60_000);
  }
});
