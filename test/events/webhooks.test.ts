import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { classifyAddress } from '../../src/core/egress/policy.js';
import { postWebhook } from '../../src/webhooks/post-webhook.js';
import { block, eventually, startReceiver, raise } from './support.js';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe.each(engineKinds)('webhooks on %s', (engine) => {
  let m: TestMailroom;
  let receiver: Receiver;
  beforeEach(async () => {
    m = await startTestMailroom(engine, {
      env: { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback', MAILROOM_WEBHOOK_RETRY_SCHEDULE: '100,200', MAILROOM_WEBHOOK_POLL_MS: '50', MAILROOM_WEBHOOK_TIMEOUT_MS: '1000', MAILROOM_WEBHOOK_CONCURRENCY: '1' },
    });
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await m.close();
    await receiver.close();
  });

  const create = (body: unknown, headers = m.serverHeaders) => m.request({ method: 'POST', url: '/api/v1/webhooks', headers, body });
  const deliveries = async (id: string) => {
    const res = await m.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: m.serverHeaders });
    expect(res.statusCode).toBe(200);
    return res.json().items as { id: string; status: string; attempts: number; response_status: number | null; event_type: string; attempt_log: { started_at: string; duration_ms: number; response_status: number | null; error: string | null }[] }[];
  };
  const send = (email = 'a@example.com') => m.core.enqueue(m.project.project_id, [{ source: 'mail', recipient: { email }, subject: 's', html: 'h' }]);

  it('creates, lists, gets, updates and deletes endpoints; the secret is shown once', async () => {
    const res = await create({ url: receiver.url, events: ['email.sent', 'email.queued', 'email.sent'], description: 'app' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ id: expect.any(String), url: receiver.url, events: ['email.sent', 'email.queued'], description: 'app', enabled: true, created_at: expect.any(String) });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(() => new Webhook(created.secret)).not.toThrow();

    const got = await m.request({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: m.serverHeaders });
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    const list = await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: m.serverHeaders });
    expect(list.json().items.map((w: { id: string }) => w.id)).toEqual([created.id]);

    const patched = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: m.serverHeaders, body: { events: ['email.bounced'], enabled: false } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['email.bounced'], enabled: false, url: receiver.url });

    const deleted = await m.request({ method: 'DELETE', url: `/api/v1/webhooks/${created.id}`, headers: m.serverHeaders });
    expect(deleted.statusCode).toBe(204);
    expect((await m.request({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: m.serverHeaders })).statusCode).toBe(404);
  });

  it('delivers signed events that the standardwebhooks package verifies, only the subscribed types', async () => {
    const { secret, id } = (await create({ url: receiver.url, events: ['email.queued', 'email.block.created'] })).json();
    const [messageId] = await send();
    await raise(m, 'block:update', block(m.project.project_id, { uuid: 'not-subscribed' }));
    await raise(m, 'block:add', block(m.project.project_id, { uuid: 'b1', name: 'footer', content: '<p>f</p>', createdAt: 1_700_000_000_000 }));
    const requests = await receiver.waitForRequests(2);
    const verifier = new Webhook(secret);
    const bodies = requests.map((r) => {
      const headers = { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
      return verifier.verify(r.body, headers) as { type: string; data: Record<string, unknown> };
    });
    const byType = Object.fromEntries(bodies.map((b) => [b.type, b]));
    expect(byType['email.queued']).toMatchObject({ type: 'email.queued', timestamp: expect.any(String), event_id: expect.any(Number), data: { id: messageId, status: 'queued', simple_status: 'in-progress', reason: null } });
    expect(byType['email.block.created']).toMatchObject({ data: { uuid: 'b1', name: 'footer', content: '<p>f</p>', created_at: '2023-11-14T22:13:20.000Z', updated_at: null } });
    // A tampered body or another endpoint's secret fails verification.
    const r0 = requests[0]!;
    const h0 = { 'webhook-id': String(r0.headers['webhook-id']), 'webhook-timestamp': String(r0.headers['webhook-timestamp']), 'webhook-signature': String(r0.headers['webhook-signature']) };
    expect(() => verifier.verify(r0.body.replace('"', ' "'), h0)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.from('another secret of 32 bytes.....').toString('base64')}`).verify(r0.body, h0)).toThrow();

    const log = await eventually(async () => {
      const items = await deliveries(id);
      return items.length === 2 && items.every((d) => d.status === 'succeeded') ? items : undefined;
    });
    expect(log.map((d) => d.response_status)).toEqual([200, 200]);
    expect(log.every((d) => d.attempt_log.length === 1)).toBe(true);
    expect(receiver.requests).toHaveLength(2);
  });

  it('retries a receiver that answers 500 on the schedule, logs each response, then gives up; manual redelivery sends again', async () => {
    const { id } = (await create({ url: receiver.url, events: ['email.queued'] })).json();
    receiver.respondWith.status = 500;
    await send();
    const requests = await receiver.waitForRequests(3);
    // 1 attempt + 2 retries (schedule 100 ms, 200 ms), spaced at least by the schedule.
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(90);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(190);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [failed] = await eventually(async () => {
      const items = await deliveries(id);
      return items[0]?.status === 'failed' ? items : undefined;
    });
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, response_status: 500 });
    expect(failed!.attempt_log.map((a) => a.response_status)).toEqual([500, 500, 500]);
    expect(failed!.attempt_log[0]!.error).toMatch(/500/);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(3);

    receiver.respondWith.status = 204;
    const redeliver = await m.request({ method: 'POST', url: `/api/v1/webhooks/${id}/deliveries/${failed!.id}/redeliver`, headers: m.serverHeaders });
    expect(redeliver.statusCode).toBe(202);
    expect(redeliver.json().id).toBe(failed!.id);
    // The dispatcher is woken at once and may already have finished by the time the row is read back.
    expect(['pending', 'succeeded']).toContain(redeliver.json().status);
    await receiver.waitForRequests(4);
    expect(receiver.requests[3]!.headers['webhook-id']).toBe(failed!.id);
    const after = await eventually(async () => {
      const items = await deliveries(id);
      return items[0]?.status === 'succeeded' ? items[0] : undefined;
    });
    expect(after.attempt_log.map((a) => a.response_status)).toEqual([500, 500, 500, 204]);
  });

  it('a disabled endpoint gets nothing new and its pending retries wait until it is enabled', async () => {
    const { id } = (await create({ url: receiver.url, events: ['email.queued'] })).json();
    receiver.respondWith.status = 503;
    await send('first@example.com');
    await receiver.waitForRequests(1);
    const patch = (enabled: boolean) => m.request({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: m.serverHeaders, body: { enabled } });
    expect((await patch(false)).statusCode).toBe(200);
    await send('second@example.com');
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.requests).toHaveLength(1);
    const waiting = await deliveries(id);
    expect(waiting.map((d) => [d.status, d.attempts])).toEqual([['pending', 1]]);
    receiver.respondWith.status = 200;
    expect((await patch(true)).statusCode).toBe(200);
    await receiver.waitForRequests(2);
    expect(receiver.requests[1]!.headers['webhook-id']).toBe(waiting[0]!.id);
  });

  it('succeeds on a retry after a 500', async () => {
    const { id } = (await create({ url: receiver.url, events: ['email.queued'] })).json();
    receiver.respondWith.status = 500;
    await send();
    await receiver.waitForRequests(1);
    receiver.respondWith.status = 200;
    const done = await eventually(async () => {
      const items = await deliveries(id);
      return items[0]?.status === 'succeeded' ? items[0] : undefined;
    });
    expect(done.attempt_log.map((a) => a.response_status)).toEqual([500, 200]);
  });

  it('a receiver that hangs times out and never holds up another endpoint', async () => {
    const hanging = await startReceiver();
    hanging.respondWith.status = null;
    try {
      const slow = (await create({ url: hanging.url, events: ['email.queued'] })).json();
      await create({ url: receiver.url, events: ['email.queued'] });
      for (let i = 0; i < 5; i++) await send(`r${i}@example.com`);
      const healthy = await receiver.waitForRequests(5, 3_000);
      // Five deliveries reached the healthy endpoint while the first request to the hanging one was still open.
      expect(hanging.requests).toHaveLength(1);
      const timedOut = await eventually(async () => {
        const items = await deliveries(slow.id);
        const attempted = items.find((d) => d.attempt_log.length > 0);
        return attempted?.attempt_log[0];
      });
      expect(timedOut).toMatchObject({ response_status: null, error: 'timed out after 1000 ms' });
      // All five reached the healthy endpoint before the hanging request had even ended.
      expect(healthy[4]!.at).toBeLessThan(Date.parse(timedOut.started_at) + timedOut.duration_ms);
    } finally {
      await hanging.close();
    }
  });

  it('refuses bad input with 400 naming the field', async () => {
    for (const url of ['ftp://example.com/hook', 'not a url', 'javascript:alert(1)']) {
      const res = await create({ url, events: ['email.sent'] });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'url' } });
      expect(res.headers['x-stack-known-error']).toBe('SCHEMA_ERROR');
    }
    const unknownEvent = await create({ url: receiver.url, events: ['email.opened'] });
    expect(unknownEvent.statusCode).toBe(400);
    expect(unknownEvent.json().details.field).toBe('body.events.0');
    expect((await create({ url: receiver.url, events: [] })).statusCode).toBe(400);
    expect((await create({ url: receiver.url })).json().details.field).toBe('body.events');
    // Link-local (cloud metadata) and private networks are refused even when loopback is allowed.
    const metadata = await create({ url: 'http://169.254.169.254/latest', events: ['email.sent'] });
    expect(metadata.statusCode).toBe(400);
    expect(metadata.json().code).toBe('WEBHOOK_URL_NOT_ALLOWED');
    expect((await create({ url: 'http://10.1.2.3/hook', events: ['email.sent'] })).statusCode).toBe(400);
    expect((await create({ url: 'http://[::ffff:192.168.1.1]/hook', events: ['email.sent'] })).statusCode).toBe(400);
    const { id } = (await create({ url: receiver.url, events: ['email.sent'] })).json();
    const badPatch = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: m.serverHeaders, body: { url: 'mailto:x@example.com' } });
    expect(badPatch.statusCode).toBe(400);
    expect((await m.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries?limit=0`, headers: m.serverHeaders })).statusCode).toBe(400);
  });

  it("answers 404 for another project's webhook and its deliveries", async () => {
    const other = await m.core.projects.createProject({ name: 'other' });
    const otherHeaders = { 'x-stack-secret-server-key': other.secret_server_key, 'x-stack-project-id': other.project_id };
    const { id } = (await create({ url: receiver.url, events: ['email.queued'] }, otherHeaders)).json();
    await m.core.enqueue(other.project_id, [{ source: 'mail', recipient: { email: 'a@example.com' }, subject: 's', html: 'h' }]);
    await receiver.waitForRequests(1);
    const delivery = await eventually(async () => {
      const res = await m.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: otherHeaders });
      return res.json().items[0] as { id: string } | undefined;
    });
    for (const [method, url] of [
      ['GET', `/api/v1/webhooks/${id}`],
      ['PATCH', `/api/v1/webhooks/${id}`],
      ['DELETE', `/api/v1/webhooks/${id}`],
      ['GET', `/api/v1/webhooks/${id}/deliveries`],
      ['POST', `/api/v1/webhooks/${id}/deliveries/${delivery.id}/redeliver`],
    ] as const) {
      const res = await m.request({ method, url, headers: m.serverHeaders, ...(method === 'PATCH' ? { body: { enabled: false } } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    expect((await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: m.serverHeaders })).json().items).toEqual([]);
    // This project's events never reach the other project's endpoint.
    await send();
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(1);
  });

  it('requires the webhooks permissions', async () => {
    const readOnly = (await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['webhooks:read'] })).key;
    const emailsOnly = (await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['emails:read'] })).key;
    const h = (key: string) => ({ authorization: `Bearer ${key}` });
    expect((await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: h(readOnly) })).statusCode).toBe(200);
    const denied = await create({ url: receiver.url, events: ['email.sent'] }, h(readOnly));
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'INSUFFICIENT_PERMISSION', details: { permission: 'webhooks:create' } });
    expect((await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: h(emailsOnly) })).statusCode).toBe(403);
    expect((await m.request({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(401);
  });

  it('subscribes only to events whose resource the key may read', async () => {
    const webhooksOnly = (await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['webhooks:*'] })).key;
    const withEmails = (await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['webhooks:*', 'emails:read'] })).key;
    const h = (key: string) => ({ authorization: `Bearer ${key}` });
    for (const [events, permission] of [
      [['email.block.created'], 'email.blocks:read'],
      [['email.template.updated'], 'email.templates:read'],
      [['email.sent'], 'emails:read'],
    ] as const) {
      const denied = await create({ url: receiver.url, events }, h(webhooksOnly));
      expect(denied.statusCode, events[0]).toBe(403);
      expect(denied.json()).toMatchObject({ code: 'INSUFFICIENT_PERMISSION', details: { permission, field: 'events' } });
    }
    const mixed = await create({ url: receiver.url, events: ['email.sent', 'email.block.deleted'] }, h(withEmails));
    expect(mixed.statusCode).toBe(403);
    expect(mixed.json().details.permission).toBe('email.blocks:read');
    expect((await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: m.serverHeaders })).json().items).toEqual([]);

    // Nothing reaches the receiver: no endpoint was created.
    await raise(m, 'block:add', block(m.project.project_id));
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(0);

    const ok = await create({ url: receiver.url, events: ['email.sent'] }, h(withEmails));
    expect(ok.statusCode).toBe(201);
    const { id } = ok.json();
    const widen = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: h(withEmails), body: { events: ['email.sent', 'email.template.created'] } });
    expect(widen.statusCode).toBe(403);
    expect(widen.json().details.permission).toBe('email.templates:read');

    // An endpoint carrying block events, made by a secret key, cannot be re-pointed by a key that may not read blocks.
    const blocks = (await create({ url: receiver.url, events: ['email.block.created'] })).json();
    const repoint = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${blocks.id}`, headers: h(withEmails), body: { url: 'https://example.com/steal' } });
    expect(repoint.statusCode).toBe(403);
    expect(repoint.json().details.permission).toBe('email.blocks:read');
    const relabel = await m.request({ method: 'PATCH', url: `/api/v1/webhooks/${blocks.id}`, headers: h(withEmails), body: { description: 'renamed', enabled: false } });
    expect(relabel.statusCode).toBe(200);
    expect((await m.request({ method: 'GET', url: `/api/v1/webhooks/${blocks.id}`, headers: m.serverHeaders })).json()).toMatchObject({ url: receiver.url, enabled: false });
  });
});

describe('webhook target policy', () => {
  it.each([
    ['by default', {}],
    ['with MAILROOM_WEBHOOKS_ALLOW_PRIVATE=false', { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'false' }],
  ])('refuses loopback at creation %s', async (_, env: Record<string, string>) => {
    const m = await startTestMailroom('sqlite', { env });
    try {
      expect(m.config.webhookAllowPrivate).toBe('none');
      for (const url of ['http://127.0.0.1:9/hook', 'http://[::1]:9/hook', 'http://localhost:9/hook', 'http://10.0.0.1/hook']) {
        const res = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url, events: ['email.queued'] } });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().code).toBe('WEBHOOK_URL_NOT_ALLOWED');
      }
      expect((await m.request({ method: 'GET', url: '/api/v1/webhooks', headers: m.serverHeaders })).json().items).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('checks the address a name resolves to before connecting', async () => {
    const receiver = await startReceiver();
    try {
      const port = new URL(receiver.url).port;
      const common = { messageId: 'msg_1', secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, body: '{}', timeoutMs: 1000, signal: new AbortController().signal, now: new Date() };
      // localhost resolves (from the hosts file) to loopback.
      const refused = await postWebhook({ ...common, url: `http://localhost:${port}/hook`, policy: 'none' });
      expect(refused).toMatchObject({ status: null, error: expect.stringMatching(/refuses/) });
      expect(receiver.requests).toHaveLength(0);
      const allowed = await postWebhook({ ...common, url: `http://localhost:${port}/hook`, policy: 'loopback' });
      expect(allowed).toMatchObject({ status: 200, error: null, body: 'answered 200' });
    } finally {
      await receiver.close();
    }
  });

  it('classifies addresses', () => {
    expect(['127.0.0.1', '::1'].map(classifyAddress)).toEqual(['loopback', 'loopback']);
    // IPv6 forms that carry an IPv4 address are refused outright (test/security/egress.test.ts has the full list).
    expect(classifyAddress('::ffff:127.0.0.2')).toBe('private');
    expect(['10.0.0.1', '172.20.1.1', '192.168.0.10', '169.254.169.254', '100.64.0.1', 'fd00::1', 'fe80::1', '0.0.0.0'].map(classifyAddress)).toEqual(
      Array(8).fill('private'),
    );
    expect(['93.184.216.34', '2606:4700::1111', '172.32.0.1'].map(classifyAddress)).toEqual(['public', 'public', 'public']);
  });
});
