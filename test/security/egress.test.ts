import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyAddress, isHostAllowed } from '../../src/core/egress/policy.js';
import { egressSocket } from '../../src/delivery/transports/no-delay-socket.js';
import { postWebhook } from '../../src/webhooks/post-webhook.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

describe('the egress policy', () => {
  it('refuses IPv6 forms that carry an IPv4 address, and every non-public range', () => {
    const refused = [
      '::127.0.0.1', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '::ffff:0:7f00:1', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1',
      '2002:7f00:1::', '2001::1', '0.0.0.0', '0.1.2.3', '10.0.0.1', '100.64.0.1', '169.254.169.254', '172.16.0.1', '192.168.1.1',
      '224.0.0.1', '255.255.255.255', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1',
    ];
    expect(refused.filter((a) => classifyAddress(a) === 'public')).toEqual([]);
    expect(['127.0.0.1', '127.1.2.3', '::1'].map(classifyAddress)).toEqual(['loopback', 'loopback', 'loopback']);
    expect(['93.184.216.34', '2606:4700::1111', '8.8.8.8'].map(classifyAddress)).toEqual(['public', 'public', 'public']);
    // URL hosts: bracketed IPv6 literals and localhost names with a trailing dot.
    expect(['[::127.0.0.1]', '[64:ff9b::7f00:1]', 'localhost.', 'LOCALHOST'].filter((h) => isHostAllowed(h, 'loopback') && h.startsWith('['))).toEqual([]);
    expect(isHostAllowed('localhost.', 'none')).toBe(false);
  });
});

describe.each(engineKinds)('egress on %s', (engine) => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom(engine, { env: { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback' } });
  });
  afterEach(() => m.close());

  const admin = () => ({ 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id });

  it('refuses relays and webhooks aimed at embedded-IPv4 addresses or at names that do not resolve', async () => {
    for (const host of ['[::127.0.0.1]', '[64:ff9b::7f00:1]', '[::ffff:a9fe:a9fe]', 'nonexistent-name.invalid', '10.0.0.1', '169.254.169.254']) {
      const res = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin(), body: { settings: { smtpUrl: `smtp://${host}:25` } } });
      expect(res.statusCode, host).toBe(400);
      expect(res.json(), host).toMatchObject({ code: 'SMTP_URL_NOT_ALLOWED', details: { field: 'settings.smtpUrl' } });
    }
    for (const host of ['[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]']) {
      const res = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: `http://${host}/hook`, events: ['email.sent'] } });
      expect(res.statusCode, host).toBe(400);
      expect(res.json().code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    }
    // The loopback mode still allows this machine by name.
    const ok = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin(), body: { settings: { smtpUrl: 'smtp://localhost:2525' } } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('egress at connect time', () => {
  let sink: SmtpSink;
  let server: Server;
  let port: number;
  const hits: string[] = [];
  beforeEach(async () => {
    sink = await startSmtpSink();
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/hook') res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
      else res.writeHead(200).end('followed');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    hits.length = 0;
  });
  afterEach(async () => {
    await sink.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const connect = (mode: 'none' | 'loopback', host: string) =>
    new Promise<Error | null>((resolve) =>
      egressSocket(mode)({ host, port: sink.port, connectionTimeout: 2000 }, (error, socket) => {
        socket?.connection.destroy();
        resolve(error);
      }),
    );

  it("judges a tenant relay's socket on the address it dials, names and literals alike", async () => {
    // A name that passed configuration can later point anywhere: the check is repeated on every connection.
    expect(await connect('none', 'localhost')).toMatchObject({ name: 'EgressRefused' });
    expect(await connect('none', '127.0.0.1')).toMatchObject({ name: 'EgressRefused' });
    expect(await connect('loopback', '::ffff:127.0.0.1')).toMatchObject({ name: 'EgressRefused' });
    expect(await connect('loopback', '127.0.0.1')).toBeNull();
  });

  it('does not follow webhook redirects', async () => {
    const common = { messageId: 'msg_1', secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, body: '{}', timeoutMs: 2000, signal: new AbortController().signal, now: new Date() };
    const result = await postWebhook({ ...common, url: `http://127.0.0.1:${port}/hook`, policy: 'loopback' });
    expect(result).toMatchObject({ status: 302, error: null });
    expect(hits).toEqual(['/hook']);
  });
});
