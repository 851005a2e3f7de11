import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMailroom } from '../../src/compose.js';
import { createLogger } from '../../src/logger.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/** A raw SMTP dialogue: send lines, wait for replies, see when the server closes. */
function dial(port: number) {
  const socket: Socket = createConnection({ host: '127.0.0.1', port });
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`no ${what} in: ${received}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    async reply(code: string): Promise<string> {
      await until(() => new RegExp(`^${code} `, 'm').test(received), `${code} reply`);
      const text = received;
      received = '';
      return text;
    },
    send: (line: string) => socket.write(`${line}\r\n`),
    closed: () => until(() => closed, 'close').then(() => true),
    end: () => socket.destroy(),
  };
}

const plain = (user: string, pass: string) => Buffer.from(`\0${user}\0${pass}`).toString('base64');

/** One connection that fails AUTH three times: two 535s, then 421 and the server hangs up. */
async function failThreeTimes(port: number): Promise<void> {
  const c = dial(port);
  await c.reply('220');
  c.send('EHLO client.example');
  await c.reply('250');
  for (let i = 0; i < 3; i++) {
    c.send(`AUTH PLAIN ${plain('x', 'mr_sk_wrong')}`);
    await c.reply(i < 2 ? '535' : '421');
  }
  c.end();
}

describe('SMTP ingest limits', () => {
  let m: TestMailroom;
  afterEach(() => m.close());

  it('closes a connection with 421 after the third failed AUTH', async () => {
    m = await startTestMailroom('sqlite', { env: { SMTP_INGEST_PORT: '0' } });
    const c = dial(m.ingest!.port);
    await c.reply('220');
    c.send('EHLO client.example');
    await c.reply('250');
    for (let i = 0; i < 2; i++) {
      c.send(`AUTH PLAIN ${plain('x', `mr_sk_wrong-${i}`)}`);
      await c.reply('535');
    }
    c.send(`AUTH PLAIN ${plain('x', 'mr_sk_wrong-3')}`);
    expect(await c.reply('421')).toMatch(/too many failed attempts/);
    expect(await c.closed()).toBe(true);
  });

  it('refuses new connections from an address after repeated failures', async () => {
    m = await startTestMailroom('sqlite', { env: { SMTP_INGEST_PORT: '0' } });
    for (let round = 0; round < 4; round++) await failThreeTimes(m.ingest!.port);
    const refused = dial(m.ingest!.port);
    expect(await refused.reply('421')).toMatch(/Too many failed authentication attempts/);
    // A correct key does not help from a throttled address: nothing is even asked.
    expect(await refused.closed()).toBe(true);
  });

  it.each(engineKinds)('shares the per-address throttle between processes on one %s database', async (engine) => {
    m = await startTestMailroom(engine, { env: { SMTP_INGEST_PORT: '0' } });
    // A second service on the same database, as another process of the deployment would be.
    const second = await createMailroom(m.config, { logger: createLogger('silent') });
    try {
      const ports = [m.ingest!.port, second.ingest!.port];
      // Four connections of three failures, alternating: six per process, twelve in all (the limit is ten).
      for (let round = 0; round < 4; round++) await failThreeTimes(ports[round % 2]!);
      for (const port of ports) {
        const refused = dial(port);
        expect(await refused.reply('421')).toMatch(/Too many failed authentication attempts/);
        expect(await refused.closed()).toBe(true);
      }
    } finally {
      await second.close();
    }
  });

  it('refuses an overlong command line and a message with an overlong header line', async () => {
    m = await startTestMailroom('sqlite', { env: { SMTP_INGEST_PORT: '0' } });
    const c = dial(m.ingest!.port);
    await c.reply('220');
    c.send(`EHLO ${'a'.repeat(20_000)}`);
    expect(await c.reply('500')).toMatch(/Line too long/);
    expect(await c.closed()).toBe(true);

    const d = dial(m.ingest!.port);
    await d.reply('220');
    d.send('EHLO client.example');
    await d.reply('250');
    d.send(`AUTH PLAIN ${plain(m.project.project_id, m.project.secret_server_key)}`);
    await d.reply('235');
    d.send('MAIL FROM:<app@example.com>');
    await d.reply('250');
    d.send('RCPT TO:<to@example.com>');
    await d.reply('250');
    d.send('DATA');
    await d.reply('354');
    d.send(`From: app@example.com\r\nTo: to@example.com\r\nSubject: ${'s'.repeat(5_000)}\r\n\r\nbody\r\n.`);
    expect(await d.reply('554')).toMatch(/Header lines must be at most 998/);
    d.end();
    const outbox = await m.request({ method: 'GET', url: '/api/v1/emails/outbox', headers: m.serverHeaders });
    expect(outbox.json().items).toEqual([]);
  });
});

describe('the capture inbox', () => {
  let m: TestMailroom;
  afterEach(() => m.close());

  it('stores the MIME SMTP delivery would send: Bcc in the envelope only', async () => {
    const { fastDelivery } = await import('../delivery/helpers.js');
    m = await startTestMailroom('sqlite', { env: fastDelivery });
    const res = await m.request({
      method: 'POST',
      url: '/mail/send',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: { from: 'app@example.com', to: 'to@example.com', bcc: 'hidden@example.com', subject: 's', html: '<p>h</p>' },
    });
    expect(res.statusCode).toBe(200);
    let list: Array<{ id: string; to: string[] }> = [];
    const deadline = Date.now() + 10_000;
    while (list.length === 0 && Date.now() < deadline) {
      list = (await m.request({ method: 'GET', url: '/api/v1/dev/inbox', headers: m.serverHeaders })).json().items;
      if (list.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(list).toHaveLength(1);
    expect(list[0]!.to.sort()).toEqual(['hidden@example.com', 'to@example.com']);
    const raw = (await m.request({ method: 'GET', url: `/api/v1/dev/inbox/${list[0]!.id}`, headers: m.serverHeaders })).json().raw as string;
    expect(raw).toMatch(/^To: to@example.com$/m);
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(raw).not.toContain('hidden@example.com');
  });
});
