import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { countMessages, forceStatus, otherProject } from '../support/outbox-rows.js';
import type { OutboxStatus } from '../../src/core/outbox/lifecycle.js';

describe.each(engineKinds)('mail list, batch, broadcast, cancel, resend on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterAll(() => m.close());

  const post = (url: string, body?: unknown, headers: Record<string, string> = {}) => m.request({ method: 'POST', url, headers: { ...auth, ...headers }, ...(body !== undefined ? { body } : {}) });
  const get = (url: string) => m.request({ method: 'GET', url, headers: auth });
  const sendOne = async (to = 'someone@example.com', from = 'a@example.com') => (await post('/mail/send', { from, to, subject: 'Hi', html: '<p>hi</p>' })).json().id as string;

  it('accepts the seed batch example verbatim, a result per item', async () => {
    const res = await post('/mail/batch', {
      emails: [
        { from: 'noreply@yourdomain.com', to: 'user1@example.com', subject: 'Hello User 1', html: '<p>Message for user 1</p>' },
        { from: 'noreply@yourdomain.com', to: 'user2@example.com', subject: 'Hello User 2', html: '<p>Message for user 2</p>' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results, batchId } = res.json();
    expect(results).toEqual([
      { index: 0, id: expect.any(String), ids: [expect.any(String)] },
      { index: 1, id: expect.any(String), ids: [expect.any(String)] },
    ]);
    const second = (await get(`/mail/emails/${results[1].id}`)).json();
    expect(second).toMatchObject({ to: 'user2@example.com', subject: 'Hello User 2', batchId });
  });

  it('commits the valid items of a batch and reports the bad one', async () => {
    const before = await countMessages(m);
    const res = await post('/mail/batch', {
      emails: [
        { from: 'a@example.com', to: 'ok1@example.com', subject: 'ok', html: 'h' },
        { from: 'a@example.com', to: 'bad address', subject: 'bad', html: 'h' },
        { from: 'a@example.com', to: 'ok2@example.com', subject: 'ok', templateId: 'missing-template' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { results } = res.json();
    expect(results[0]).toMatchObject({ index: 0, id: expect.any(String) });
    expect(results[1]).toEqual({ index: 1, error: { code: 'SCHEMA_ERROR', message: expect.stringContaining('emails[1].to') } });
    expect(results[2]).toEqual({ index: 2, error: { code: 'NOT_FOUND', message: expect.stringContaining('missing-template') } });
    expect(await countMessages(m)).toBe(before + 1);
  });

  it('refuses an empty batch and one over 100 emails', async () => {
    expect((await post('/mail/batch', { emails: [] })).statusCode).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => ({ from: 'a@example.com', to: `r${i}@example.com`, subject: 's', html: 'h' }));
    const res = await post('/mail/batch', { emails: many });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'SCHEMA_ERROR', message: expect.stringContaining('emails') });
  });

  it('accepts the seed broadcast example verbatim', async () => {
    const res = await post('/mail/broadcast', {
      from: 'newsletter@yourdomain.com',
      to: ['user1@example.com', 'user2@example.com'],
      subject: 'Weekly Newsletter',
      html: '<h1>This week in tech...</h1>',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ batchId: expect.any(String), count: 2 });
    const list = (await get(`/mail/emails?to=user2@example.com&from=newsletter@yourdomain.com`)).json();
    expect(list.total).toBe(1);
    expect(list.emails[0]).toMatchObject({ id: body.ids[1], subject: 'Weekly Newsletter', batchId: body.batchId });
  });

  it('accepts a 20,000-recipient broadcast in one request, each its own message', async () => {
    const to = Array.from({ length: 20_000 }, (_, i) => `reader${i}@example.com`);
    const before = await countMessages(m);
    const res = await post('/mail/broadcast', { from: 'news@example.com', to, subject: 'News', html: '<p>news</p>' });
    expect(res.statusCode).toBe(200);
    expect(res.json().count).toBe(20_000);
    expect(new Set(res.json().ids).size).toBe(20_000);
    expect(await countMessages(m)).toBe(before + 20_000);
  });

  it('refuses a broadcast with one bad address and writes nothing', async () => {
    const before = await countMessages(m);
    const res = await post('/mail/broadcast', { from: 'news@example.com', to: ['ok@example.com', 'oops'], subject: 'News', html: 'h' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('to[1]');
    expect(await countMessages(m)).toBe(before);
  });

  it('lists with limit (default 50, max 100), offset, status, from and to filters, and the total', async () => {
    const fresh = await startTestMailroom(engine);
    try {
      const headers = { authorization: `Bearer ${fresh.project.secret_server_key}` };
      const to = Array.from({ length: 60 }, (_, i) => `l${i}@example.com`);
      await fresh.request({ method: 'POST', url: '/mail/broadcast', headers, body: { from: 'list@example.com', to, subject: 's', html: 'h' } });
      const other = (await fresh.request({ method: 'POST', url: '/mail/send', headers, body: { from: 'Other <other_sender@example.com>', to: 'x@example.com', subject: 's', html: 'h' } })).json().id;
      await forceStatus(fresh, other, 'sent', { sent_at: Date.now() });
      const page = (await fresh.request({ method: 'GET', url: '/mail/emails', headers })).json();
      expect(page).toMatchObject({ total: 61, limit: 50, offset: 0 });
      expect(page.emails).toHaveLength(50);
      expect(page.emails[0].id).toBe(other); // newest first
      const rest = (await fresh.request({ method: 'GET', url: '/mail/emails?limit=100&offset=50', headers })).json();
      expect(rest.emails).toHaveLength(11);
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?status=sent', headers })).json()).toMatchObject({ total: 1, emails: [{ id: other, sentAt: expect.any(String) }] });
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?status=ok', headers })).json().total).toBe(1);
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?from=other_sender@example.com', headers })).json().total).toBe(1);
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?from=otherXsender@example.com', headers })).json().total).toBe(0);
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?from=list@example.com', headers })).json().total).toBe(60);
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?to=l7@EXAMPLE.com', headers })).json().total).toBe(1);
      expect((await fresh.request({ method: 'GET', url: `/mail/emails?to=${encodeURIComponent('Reader <l8@example.com>')}`, headers })).json().total).toBe(1);
      const badTo = await fresh.request({ method: 'GET', url: '/mail/emails?to=nobody', headers });
      expect(badTo.statusCode).toBe(400);
      expect(badTo.json().message).toContain('to');
      const tooMany = await fresh.request({ method: 'GET', url: '/mail/emails?limit=101', headers });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().message).toContain('limit');
      expect((await fresh.request({ method: 'GET', url: '/mail/emails?status=lost', headers })).statusCode).toBe(400);
    } finally {
      await fresh.close();
    }
  });

  it('cancels a scheduled email, then refuses to cancel it again', async () => {
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const id = (await post('/mail/send', { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', scheduledAt: at })).json().id;
    const res = await post(`/mail/emails/${id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'skipped', skipReason: 'cancelled' });
    expect(res.json().statusHistory.map((t: { status: string }) => t.status)).toEqual(['scheduled', 'skipped']);
    const again = await post(`/mail/emails/${id}/cancel`);
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ code: 'EMAIL_NOT_EDITABLE', message: expect.any(String) });
  });

  it.each<OutboxStatus>(['sending', 'sent', 'delivered', 'bounced'])('refuses to cancel once %s', async (status) => {
    const id = await sendOne();
    await forceStatus(m, id, status);
    const res = await post(`/mail/emails/${id}/cancel`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('EMAIL_NOT_EDITABLE');
    expect((await get(`/mail/emails/${id}`)).json().status).toBe(status);
  });

  it('resends an email as a new message copying the original', async () => {
    const id = (await post('/mail/send', { from: 'a@example.com', to: 'again@example.com', cc: 'c@example.com', subject: 'Copy me', html: '<p>c</p>', tags: { k: 'v' } })).json().id;
    await forceStatus(m, id, 'sent');
    const res = await post(`/mail/emails/${id}/resend`);
    expect(res.statusCode).toBe(200);
    const copy = res.json();
    expect(copy.id).not.toBe(id);
    expect(copy).toMatchObject({ status: 'queued', to: 'again@example.com', cc: ['c@example.com'], subject: 'Copy me', html: '<p>c</p>', tags: { k: 'v' } });
    expect((await get(`/mail/emails/${id}`)).json().status).toBe('sent');
  });

  it('answers 404 for another project’s email on get, cancel and resend, and for unknown ids', async () => {
    const id = await sendOne();
    const other = await otherProject(m);
    for (const [method, url] of [['GET', `/mail/emails/${id}`], ['POST', `/mail/emails/${id}/cancel`], ['POST', `/mail/emails/${id}/resend`]] as const) {
      const res = await m.request({ method, url, headers: other.bearer });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
    }
    expect((await get('/mail/emails/nope')).statusCode).toBe(404);
    expect((await post('/mail/emails/nope/cancel')).statusCode).toBe(404);
    expect((await get(`/mail/emails/${id}`)).json().status).toBe('queued');
  });
});
