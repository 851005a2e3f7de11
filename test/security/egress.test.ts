import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyAddress, isHostAllowed } from '../../src/core/egress/policy.js';
import { egressSocket } from '../../src/delivery/transports/no-delay-socket.js';
import { postWebhook } from '../../src/webhooks/post-webhook.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startReceiver } from '../events/support.js';

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

describe('webhook URLs are resolved when configured and checked again when called', () => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom('sqlite', { env: { MAILROOM_WEBHOOK_POLL_MS: '50', MAILROOM_WEBHOOK_RETRY_SCHEDULE: '100' } });
  });
  afterEach(() => m.close());

  const createHook = (url: string) => m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url, events: ['email.queued'] } });

  it('refuses an endpoint whose name resolves to a refused address, or to nothing, naming the field', async () => {
    expect(m.config.webhookAllowPrivate).toBe('none');
    // This machine's own name is not a localhost name, but resolves (hosts file) to loopback or a private address.
    const names = [hostname(), 'nonexistent-name.invalid'];
    for (const name of names) {
      const res = await createHook(`http://${name}:9/hook`);
      expect(res.statusCode, name).toBe(400);
      expect(res.json(), name).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', details: { field: 'url' } });
      expect(res.json().error, name).toMatch(/^url: .*(resolves to|does not resolve)/);
    }
    // An address literal on a public network needs no resolving; re-pointing it at a private name is refused and changes nothing.
    const ok = await createHook('http://93.184.216.34/hook');
    expect(ok.statusCode).toBe(201);
    const repoint = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${ok.json().id}`, headers: m.serverHeaders, body: { url: `http://${hostname()}:9/hook` } });
    expect(repoint.statusCode).toBe(400);
    expect(repoint.json()).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', details: { field: 'url' } });
    const items = (await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: m.serverHeaders })).json().items;
    expect(items.map((w: { url: string }) => w.url)).toEqual(['http://93.184.216.34/hook']);
  });

  it('allows private names when the operator allows private targets', async () => {
    const open = await startTestMailroom('sqlite', { env: { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    try {
      const res = await open.request({ method: 'POST', url: '/api/v1/webhooks', headers: open.serverHeaders, body: { url: `http://${hostname()}:9/hook`, events: ['email.queued'] } });
      expect(res.statusCode, res.body).toBe(201);
    } finally {
      await open.close();
    }
  });

  it('refuses at delivery time a name that now resolves to a refused address (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      // As if configured while the name resolved to a public address: stored directly, past the configuration check.
      const now = Date.now();
      const id = randomUUID();
      const url = `http://${hostname()}:${new URL(receiver.url).port}/hook`;
      await m.core.store.webhooks.insert(
        { id, projectId: m.project.project_id, url, events: ['email.queued'], description: null, enabled: true, createdAt: now, updatedAt: now },
        `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      );
      await m.core.enqueue(m.project.project_id, [{ source: 'mail', recipient: { email: 'a@example.com' }, subject: 's', html: 'h' }]);
      let attempt: { error: string | null; response_status: number | null } | undefined;
      const deadline = Date.now() + 20_000;
      while (!attempt && Date.now() < deadline) {
        const list = (await m.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: m.serverHeaders })).json().items;
        attempt = list[0]?.attempt_log?.[0];
        if (!attempt) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(attempt).toMatchObject({ response_status: null, error: expect.stringMatching(/resolves to .*refuses|does not resolve|ENOTFOUND/) });
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});
