import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../events/support.js';
import { engineKinds } from '../support/engines.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { createMailroom } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';
import { startTestMailroom } from '../support/mailroom.js';
import { startListeningMailroom, type ListeningMailroom } from './listen.js';

/** Resend's own SDK, unmodified, with `baseUrl` pointed at Mailroom. */
describe.each(engineKinds)('resend SDK against Mailroom on %s', (engine) => {
  let sink: SmtpSink;
  let m: ListeningMailroom;
  let resend: Resend;
  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    sink = await startSmtpSink();
    m = await startListeningMailroom(engine, sink, { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback', MAILROOM_WEBHOOK_POLL_MS: '50' });
    resend = new Resend(m.project.secret_server_key, { baseUrl: m.baseUrl });
  });
  afterAll(async () => {
    await m.close();
    await sink.close();
  });

  const received = (to: string) => eventually(async () => sink.received.find((r) => r.to.includes(to)));

  it('emails.send delivers html, text, cc, reply_to, headers, tags and an attachment to the SMTP server', async () => {
    const { data, error } = await resend.emails.send({
      from: 'Acme <app@example.com>',
      to: ['ann@example.com'],
      cc: 'carl@example.com',
      replyTo: 'support@example.com',
      subject: 'Hello from Resend',
      html: '<p>Hi <strong>Ann</strong></p>',
      text: 'Hi Ann',
      headers: { 'X-Entity-Ref-ID': 'ref-1' },
      tags: [{ name: 'category', value: 'welcome' }],
      attachments: [{ filename: 'note.txt', content: Buffer.from('attached text'), contentType: 'text/plain' }],
    });
    expect(error).toBeNull();
    expect(data!.id).toEqual(expect.any(String));
    const mail = await parse(await received('ann@example.com'));
    expect(mail.subject).toBe('Hello from Resend');
    expect(mail.html).toContain('<strong>Ann</strong>');
    expect(mail.replyTo?.text).toBe('support@example.com');
    expect(mail.headers.get('x-entity-ref-id')).toBe('ref-1');
    expect(mail.attachments[0]!.content.toString()).toBe('attached text');

    const got = await eventually(async () => {
      const r = await resend.emails.get(data!.id);
      return r.data?.last_event === 'sent' ? r : undefined;
    });
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({
      object: 'email', id: data!.id, to: ['ann@example.com'], from: '"Acme" <app@example.com>', subject: 'Hello from Resend',
      cc: ['carl@example.com'], reply_to: ['support@example.com'], last_event: 'sent', scheduled_at: null,
      tags: [{ name: 'category', value: 'welcome' }],
    });
  });

  it('schedules with natural language, reschedules, cancels and lists by id cursor', async () => {
    const before = Date.now();
    const { data } = await resend.emails.send({ from: 'app@example.com', to: 'later@example.com', subject: 'Later', html: '<p>later</p>', scheduledAt: 'in 1 hour' });
    const scheduled = (await resend.emails.get(data!.id)).data!;
    expect(scheduled.last_event).toBe('scheduled');
    const at = Date.parse(scheduled.scheduled_at!);
    expect(at).toBeGreaterThanOrEqual(before + hour - 5_000);
    expect(at).toBeLessThanOrEqual(Date.now() + hour + 5_000);

    const iso = new Date(Date.now() + 2 * hour).toISOString();
    const updated = await resend.emails.update({ id: data!.id, scheduledAt: iso });
    expect(updated).toMatchObject({ error: null, data: { object: 'email', id: data!.id } });
    expect(Date.parse((await resend.emails.get(data!.id)).data!.scheduled_at!)).toBe(Date.parse(iso));

    const cancelled = await resend.emails.cancel(data!.id);
    expect(cancelled).toMatchObject({ error: null, data: { object: 'email', id: data!.id } });
    expect((await resend.emails.get(data!.id)).data!.last_event).toBe('canceled');

    const again = await resend.emails.cancel(data!.id);
    expect(again.error).toMatchObject({ statusCode: 422, name: 'validation_error' });

    const first = await resend.emails.list({ limit: 1 });
    expect(first.data).toMatchObject({ object: 'list', has_more: true });
    expect(first.data!.data).toHaveLength(1);
    const next = await resend.emails.list({ limit: 1, after: first.data!.data[0]!.id });
    expect(next.data!.data[0]!.id).not.toBe(first.data!.data[0]!.id);
  });

  it('one id stands for a send to several addresses: get shows every to, list shows it once, update and cancel act on all', async () => {
    const to = ['multi1@example.com', 'multi2@example.com', 'multi3@example.com'];
    const { data, error } = await resend.emails.send({ from: 'app@example.com', to, cc: 'multicc@example.com', subject: 'Multi', html: '<p>m</p>', scheduledAt: 'in 1 hour' });
    expect(error).toBeNull();
    const got = (await resend.emails.get(data!.id)).data!;
    expect(got).toMatchObject({ id: data!.id, to, cc: ['multicc@example.com'], last_event: 'scheduled' });
    const listed = (await resend.emails.list({ limit: 10 })).data!.data.filter((e) => e.subject === 'Multi');
    expect(listed).toEqual([expect.objectContaining({ id: data!.id, to })]);

    // Every recipient's message as the mail family shows it.
    const messages = async () =>
      Promise.all(to.map(async (address) => (await m.request({ method: 'GET', url: `/mail/emails?to=${address}`, headers: m.serverHeaders })).json().emails[0] as { scheduledAt: string; status: string }));
    const iso = new Date(Date.now() + 3 * hour).toISOString();
    expect((await resend.emails.update({ id: data!.id, scheduledAt: iso })).error).toBeNull();
    expect((await messages()).map((e) => Date.parse(e.scheduledAt))).toEqual(to.map(() => Date.parse(iso)));
    expect((await resend.emails.cancel(data!.id)).error).toBeNull();
    expect((await messages()).map((e) => e.status)).toEqual(to.map(() => 'skipped'));
    expect((await resend.emails.get(data!.id)).data!.last_event).toBe('canceled');
    // Nothing left to cancel: the whole send is past editing.
    expect((await resend.emails.cancel(data!.id)).error).toMatchObject({ statusCode: 422 });
  });

  it('pages the list both ways: after goes to older emails, before back to newer ones', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push((await resend.emails.send({ from: 'app@example.com', to: `page${n}@example.com`, subject: `Page ${n}`, html: '<p>p</p>' })).data!.id);
    const newest = (await resend.emails.list({ limit: 4 })).data!;
    expect(newest.data.map((e) => e.id)).toEqual([...ids].reverse());
    const older = (await resend.emails.list({ limit: 2, after: ids[2]! })).data!;
    expect(older.data.map((e) => e.id)).toEqual([ids[1], ids[0]]);
    expect(older.has_more).toBe(true);
    const newer = (await resend.emails.list({ limit: 2, before: ids[0]! })).data!;
    expect(newer.data.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    expect(newer.has_more).toBe(true);
    const newest2 = (await resend.emails.list({ limit: 2, before: ids[2]! })).data!;
    expect(newest2).toMatchObject({ has_more: false });
    expect(newest2.data.map((e) => e.id)).toEqual([ids[3]]);
    const unknown = await resend.emails.list({ before: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.error).toMatchObject({ statusCode: 422, message: expect.stringContaining('before') });
  });

  it('fetches an attachment given by path under the egress policy; a refused or failing URL is a 422 naming the field', async () => {
    const files = createServer((req, res) => {
      if (req.url === '/files/report.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end('fetched text');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      const email = { from: 'app@example.com', to: 'path@example.com', subject: 'Path', html: '<p>p</p>' };
      const { error } = await resend.emails.send({ ...email, attachments: [{ path: `${base}/files/report.txt` }] });
      expect(error).toBeNull();
      const mail = await parse(await received('path@example.com'));
      expect(mail.attachments[0]).toMatchObject({ filename: 'report.txt', contentType: 'text/plain' });
      expect(mail.attachments[0]!.content.toString()).toBe('fetched text');

      const missing = await resend.emails.send({ ...email, attachments: [{ path: `${base}/files/nope.txt` }] });
      expect(missing.error).toMatchObject({ statusCode: 422, name: 'invalid_attachment', message: expect.stringContaining('attachments[0].path') });
      // This service allows loopback only: a private address is refused before any connection.
      const privateUrl = await resend.emails.send({ ...email, attachments: [{ path: 'http://10.0.0.1/secret' }] });
      expect(privateUrl.error).toMatchObject({ statusCode: 422, name: 'invalid_attachment', message: expect.stringMatching(/attachments\[0\]\.path.*refused/) });
      const notHttp = await resend.emails.send({ ...email, attachments: [{ path: 'file:///etc/passwd' }] });
      expect(notHttp.error).toMatchObject({ statusCode: 422, message: expect.stringContaining('attachments[0].path') });
    } finally {
      await new Promise((resolve) => files.close(resolve));
    }
  });

  it('batch.send: strict refuses the whole batch, permissive sends the valid ones', async () => {
    const ok = { from: 'app@example.com', to: 'b1@example.com', subject: 'Batch', html: '<p>b</p>' };
    const strict = await resend.batch.send([ok, { ...ok, to: 'not an address' }]);
    expect(strict.error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('[1]') });
    const permissive = await resend.batch.send([ok, { ...ok, to: 'not an address' }, { ...ok, to: 'b2@example.com' }], { batchValidation: 'permissive' });
    expect(permissive.error).toBeNull();
    expect(permissive.data!.data).toHaveLength(2);
    expect(permissive.data!.errors).toEqual([{ index: 1, message: expect.any(String) }]);
    await received('b2@example.com');
  });

  it('replays an Idempotency-Key and refuses it with another body', async () => {
    const email = { from: 'app@example.com', to: 'idem@example.com', subject: 'Once', html: '<p>once</p>' };
    const a = await resend.emails.send(email, { idempotencyKey: 'order-42' });
    const b = await resend.emails.send(email, { idempotencyKey: 'order-42' });
    expect(b.data!.id).toBe(a.data!.id);
    const c = await resend.emails.send({ ...email, subject: 'Twice' }, { idempotencyKey: 'order-42' });
    expect(c.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
  });

  it("answers errors in Resend's shape: wrong key, unknown id, missing field, template", async () => {
    const wrong = await new Resend('mr_sk_wrong', { baseUrl: m.baseUrl }).emails.send({ from: 'app@example.com', to: 'x@example.com', subject: 's', html: 'h' });
    expect(wrong.error).toEqual({ statusCode: 403, name: 'invalid_api_key', message: expect.any(String) });
    const missing = await resend.emails.get('00000000-0000-4000-8000-000000000000');
    expect(missing.error).toMatchObject({ statusCode: 404, name: 'not_found' });
    const noSubject = await resend.emails.send({ from: 'app@example.com', to: 'x@example.com', html: '<p>x</p>' } as never);
    expect(noSubject.error).toMatchObject({ statusCode: 422, name: 'validation_error', message: expect.stringContaining('subject') });
    const noTemplate = await resend.emails.send({ from: 'app@example.com', to: 'x@example.com', template: { id: 'no-such-template' } } as never);
    expect(noTemplate.error).toMatchObject({ statusCode: expect.any(Number), name: expect.any(String) });
    expect(noTemplate.error!.statusCode).toBeGreaterThanOrEqual(400);
    const raw = await fetch(`${m.baseUrl}/emails/some-id`, { method: 'DELETE', headers: { authorization: `Bearer ${m.project.secret_server_key}` } });
    expect(raw.status).toBe(405);
    expect(raw.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(await raw.json()).toEqual({ statusCode: 405, name: 'method_not_allowed', message: expect.any(String) });
  });

  it('webhook deliveries verify with the SDK', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: receiver.url, events: ['email.queued'] } });
      const { secret } = hook.json() as { secret: string };
      await resend.emails.send({ from: 'app@example.com', to: 'hook@example.com', subject: 'Hook', html: '<p>h</p>' });
      const [request] = await receiver.waitForRequests(1, 10_000);
      const header = (name: string) => String(request!.headers[name]);
      const event = resend.webhooks.verify({
        payload: request!.body,
        headers: { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
        webhookSecret: secret,
      });
      expect(event).toMatchObject({ type: 'email.queued' });
    } finally {
      await receiver.close();
    }
  });
});

describe('resend family rate limit', () => {
  it('announces the per-key limit in ratelimit-* headers and answers 429 rate_limit_exceeded with retry-after', async () => {
    const m = await startTestMailroom('sqlite', { env: { MAILROOM_RESEND_RATE_LIMIT: '2' } });
    try {
      const get = (key = m.project.secret_server_key) => m.app.inject({ method: 'GET', url: '/emails?limit=1', headers: { authorization: `Bearer ${key}` } });
      const first = await get();
      expect(first.statusCode).toBe(200);
      expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-reset': expect.any(String) });
      // Within a few requests (a slow machine may cross into the next one-second window once) the budget is spent.
      let limited = first;
      for (let i = 0; i < 8 && limited.statusCode !== 429; i++) limited = await get();
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ statusCode: 429, name: 'rate_limit_exceeded', message: expect.any(String) });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      // Another key has a budget of its own.
      expect((await get(m.project.admin_key)).statusCode).toBe(200);
    } finally {
      await m.close();
    }
  });
});

describe('resend family rate limit across processes', () => {
  it('two services on one database share one budget per key (the counter is in the database)', async () => {
    // A still clock keeps every request in one window, so the count is exact on a slow machine too.
    const clock: Clock = { now: () => 1_800_000_000_000 };
    const env = { MAILROOM_RESEND_RATE_LIMIT: '3' };
    const a = await startTestMailroom('sqlite', { env, clock });
    const b = await createMailroom(loadConfig({ DATABASE_URL: a.config.databaseUrl, MAILROOM_WORKERS: '0', LOG_LEVEL: 'silent', ...env }), { logger: createLogger('silent'), clock });
    try {
      const get = (app: typeof a.app) => app.inject({ method: 'GET', url: '/emails?limit=1', headers: { authorization: `Bearer ${a.project.secret_server_key}` } });
      const answers = [await get(a.app), await get(b.app), await get(a.app), await get(b.app)];
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
      expect(answers.slice(0, 3).map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
      expect(answers[3]!.json()).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    } finally {
      await b.close();
      await a.close();
    }
  });
});
