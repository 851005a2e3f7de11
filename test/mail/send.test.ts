import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { countMessages, otherProject } from '../support/outbox-rows.js';

describe.each(engineKinds)('mail send on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterAll(() => m.close());

  const send = (body: unknown, headers: Record<string, string> = {}) => m.request({ method: 'POST', url: '/mail/send', headers: { ...auth, ...headers }, body });

  it('accepts the seed example verbatim and reads it back by id', async () => {
    const statuses: string[] = [];
    const off = m.core.events.on('email:status', (e) => statuses.push(e.status));
    const res = await send({ from: 'you@yourdomain.com', to: 'recipient@example.com', subject: 'Hello!', html: '<p>Hello world</p>' });
    off();
    expect(res.statusCode).toBe(200);
    const sent = res.json();
    expect(sent).toMatchObject({ id: expect.any(String), status: 'queued', from: 'you@yourdomain.com', to: 'recipient@example.com', subject: 'Hello!', html: '<p>Hello world</p>' });
    expect(sent.ids).toEqual([sent.id]);
    expect(statuses).toEqual(['queued']);
    const got = await m.request({ method: 'GET', url: `/mail/emails/${sent.id}`, headers: auth });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ id: sent.id, status: 'queued', simpleStatus: 'in-progress', createdAt: expect.stringMatching(/Z$/) });
    expect(got.json().statusHistory).toEqual([{ status: 'queued', reason: null, at: expect.any(String) }]);
  });

  it('gives each `to` address its own message and keeps cc, bcc, replyTo, text, tags, headers and attachments', async () => {
    const res = await send({
      from: 'App <app@example.com>',
      to: ['"Jöhn Dœ" <john@bücher.de>', 'ann@example.com'],
      cc: 'cc@example.com',
      bcc: ['bcc@example.com'],
      replyTo: 'help@example.com',
      subject: 'Receipt',
      html: '<p>Thanks</p>',
      text: 'Thanks',
      tags: [{ name: 'kind', value: 'receipt' }],
      headers: { 'X-Order': '42' },
      attachments: [{ filename: 'r.txt', content: Buffer.from('hello').toString('base64'), contentType: 'text/plain' }],
    });
    expect(res.statusCode).toBe(200);
    const { ids } = res.json();
    expect(ids).toHaveLength(2);
    const first = (await m.request({ method: 'GET', url: `/mail/emails/${ids[0]}`, headers: auth })).json();
    expect(first).toMatchObject({
      from: '"App" <app@example.com>',
      to: 'john@xn--bcher-kva.de',
      cc: ['cc@example.com'],
      bcc: ['bcc@example.com'],
      replyTo: 'help@example.com',
      text: 'Thanks',
      tags: { kind: 'receipt' },
      headers: { 'X-Order': '42' },
      attachments: [{ filename: 'r.txt', contentType: 'text/plain', size: 5 }],
      batchId: expect.any(String),
    });
    const stored = await m.core.store.outbox.getMessage(m.project.project_id, ids[0]);
    expect(stored).toMatchObject({ recipientName: 'Jöhn Dœ', attachments: [{ content: Buffer.from('hello').toString('base64') }] });
    const second = (await m.request({ method: 'GET', url: `/mail/emails/${ids[1]}`, headers: auth })).json();
    expect(second.to).toBe('ann@example.com');
    expect(second.batchId).toBe(first.batchId);
  });

  it('keeps a future scheduledAt message scheduled', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await send({ from: 'a@example.com', to: 'b@example.com', subject: 'Later', text: 'x', scheduledAt: at });
    expect(res.json()).toMatchObject({ status: 'scheduled', scheduledAt: at });
  });

  it.each([
    ['a missing from', { to: 'b@example.com', subject: 's', html: 'h' }, 'from'],
    ['a missing to', { from: 'a@example.com', subject: 's', html: 'h' }, 'to'],
    ['no content', { from: 'a@example.com', to: 'b@example.com', subject: 's' }, 'html'],
    ['no subject', { from: 'a@example.com', to: 'b@example.com', html: 'h' }, 'subject'],
    ['a bad address', { from: 'a@example.com', to: 'not an address', subject: 's', html: 'h' }, 'to'],
    ['two addresses in one string', { from: 'a@example.com', to: 'b@example.com, c@example.com', subject: 's', html: 'h' }, 'to'],
    ['a bad domain', { from: 'a@example.com', to: 'b@exa_mple..com', subject: 's', html: 'h' }, 'to'],
    ['CR/LF in the subject', { from: 'a@example.com', to: 'b@example.com', subject: 'Hi\r\nBcc: x@evil.com', html: 'h' }, 'subject'],
    ['CR/LF in a header', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', headers: { 'X-A': 'v\nBcc: x@evil.com' } }, 'headers.X-A'],
    ['a reserved header', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', headers: { Bcc: 'x@evil.com' } }, 'headers.Bcc'],
    ['CR/LF in the from display name', { from: 'Evil\r\nBcc: x@y.com <a@example.com>', to: 'b@example.com', subject: 's', html: 'h' }, 'from'],
    ['bad base64', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', attachments: [{ filename: 'a', content: '%%%' }] }, 'attachments[0].content'],
    ['a bad scheduledAt', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', scheduledAt: 'tomorrow' }, 'scheduledAt'],
    ['an unknown field', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', colour: 'red' }, 'colour'],
    ['too many recipients', { from: 'a@example.com', to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`), subject: 's', html: 'h' }, 'to'],
  ])('refuses %s with 400 {code, message} naming the field, writing nothing', async (_name, body, field) => {
    const before = await countMessages(m);
    const res = await send(body);
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json()).sort()).toEqual(['code', 'message']);
    expect(res.json().code).toBe('SCHEMA_ERROR');
    expect(res.json().message).toContain(field);
    expect(await countMessages(m)).toBe(before);
  });

  it('refuses oversized bodies and attachments', async () => {
    const big = await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'x'.repeat(2 * 1024 * 1024 + 1) });
    expect(big.statusCode).toBe(400);
    expect(big.json().message).toContain('html');
    const attachment = await send({
      from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(10 * 1024 * 1024 + 3).toString('base64') }],
    });
    expect(attachment.statusCode).toBe(400);
    expect(attachment.json().message).toContain('attachments[0].content');
  });

  it('refuses an unknown template with a 4xx', async () => {
    const res = await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', templateId: 'no-such-template' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining('no-such-template') });
  });

  it('describes every send and outbox endpoint in the OpenAPI document', async () => {
    const doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/mail/send', '/mail/batch', '/mail/broadcast', '/mail/emails', '/mail/emails/{id}', '/mail/emails/{id}/cancel', '/mail/emails/{id}/resend',
      '/api/v1/emails/send-email', '/api/v1/emails/outbox', '/api/v1/emails/outbox/{id}', '/api/v1/emails/drafts', '/api/v1/emails/drafts/{id}', '/api/v1/users', '/api/v1/users/{userId}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/mail/send'].post.requestBody.content['application/json'].schema.required).toEqual(['from', 'to']);
  });

  it('requires a valid Bearer key', async () => {
    const none = await m.request({ method: 'POST', url: '/mail/send', body: { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h' } });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    const wrong = await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h' }, { authorization: 'Bearer mr_sk_nope' });
    expect(wrong.statusCode).toBe(401);
    const publishable = await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h' }, { authorization: `Bearer ${m.project.publishable_client_key}` });
    expect(publishable.statusCode).toBe(403);
  });

  it('does not show another project’s email', async () => {
    const id = (await send({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h' })).json().id;
    const other = await otherProject(m);
    const res = await m.request({ method: 'GET', url: `/mail/emails/${id}`, headers: other.bearer });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
  });
});
