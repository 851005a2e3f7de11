import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxStatus } from '../../src/core/outbox/lifecycle.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { forceStatus, otherProject, workerCas } from '../support/outbox-rows.js';

describe.each(engineKinds)('outbox list, get and PATCH on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(() => m.close());

  const patch = (id: string, body: unknown, headers = m.serverHeaders) => m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers, body });
  const get = (id: string, headers = m.serverHeaders) => m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers });
  /** Sends one email and returns its outbox id. */
  async function sendOne(options: { scheduledAt?: number; subject?: string } = {}): Promise<string> {
    const { ids } = await m.core.accept.accept(m.project.project_id, {
      source: 'send-email',
      to: [{ email: 'user@example.com' }],
      subject: options.subject ?? 'Verify your email',
      content: { kind: 'body', html: '<html>...</html>' },
      scheduledAt: options.scheduledAt ?? null,
    });
    return ids[0]!;
  }

  it('pauses with the seed example verbatim and answers the seed fields', async () => {
    const id = await sendOne();
    const res = await patch(id, { status: 'paused' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      id,
      status: 'paused',
      simple_status: 'in-progress',
      subject: 'Verify your email',
      recipient: 'user@example.com',
      body: '<html>...</html>',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updated_at: expect.any(String),
      is_paused: true,
      attempts: [],
      skipped_reason: null,
      last_error: null,
    });
    expect(body.status_history.map((t: { status: string }) => t.status)).toEqual(['queued', 'paused']);
  });

  it('resumes a paused email to queued, or to scheduled when its time is in the future', async () => {
    const now = await sendOne();
    await patch(now, { status: 'paused' });
    const work: number[] = [];
    const off = m.core.events.on('outbox:work', (e) => work.push(e.count));
    expect((await patch(now, { status: 'queued' })).json()).toMatchObject({ status: 'queued', is_paused: false });
    off();
    expect(work).toEqual([1]);
    const later = await sendOne({ scheduledAt: Date.now() + 3_600_000 });
    await patch(later, { status: 'paused' });
    expect((await patch(later, { status: 'resumed' })).json().status).toBe('scheduled');
  });

  it('cancels: skipped with the reason cancelled, and emits the status event', async () => {
    const id = await sendOne();
    const events: Array<{ status: string; reason: string | null }> = [];
    const off = m.core.events.on('email:status', (e) => events.push({ status: e.status, reason: e.reason }));
    const res = await patch(id, { status: 'cancelled' });
    off();
    expect(res.json()).toMatchObject({ status: 'skipped', simple_status: 'ok', skipped_reason: 'cancelled' });
    expect(events).toEqual([{ status: 'skipped', reason: 'cancelled' }]);
  });

  it('edits subject and body, and reschedules', async () => {
    const id = await sendOne();
    const edited = (await patch(id, { subject: 'New subject', body: '<p>new</p>' })).json();
    expect(edited).toMatchObject({ status: 'queued', subject: 'New subject', body: '<p>new</p>' });
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const moved = (await patch(id, { scheduled_at: at })).json();
    expect(moved).toMatchObject({ status: 'scheduled', scheduled_at: at });
    expect(moved.status_history.map((t: { status: string; reason: string }) => `${t.status}:${t.reason}`)).toEqual(['queued:null', 'scheduled:rescheduled']);
    const back = (await patch(id, { scheduled_at_millis: 0 })).json();
    expect(back.status).toBe('queued');
  });

  it('replacing the body of a template email needs a subject when the template gave it, or keeps the rendered one', async () => {
    const fromTemplate = async () =>
      (await m.core.enqueue(m.project.project_id, [{ source: 'send-email', recipient: { email: 'user@example.com' }, subject: null, templateId: 'welcome', variables: { name: 'Ann' } }]))[0]!;
    const id = await fromTemplate();
    const refused = await patch(id, { body: '<p>plain now</p>' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'SCHEMA_ERROR', error: expect.stringContaining('body.subject') });
    expect((await get(id)).json()).toMatchObject({ template_id: 'welcome', subject: null });
    const edited = await patch(id, { body: '<p>plain now</p>', subject: 'Welcome, Ann' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ template_id: null, subject: 'Welcome, Ann', body: '<p>plain now</p>' });

    // Rendered once already (then deferred): the subject the template gave is kept.
    const rendered = await fromTemplate();
    await m.core.engine.db.updateTable('outbox_messages').set({ rendered_subject: 'Hello Ann', rendered_html: '<p>Hi</p>' }).where('id', '=', rendered).execute();
    await forceStatus(m, rendered, 'server-error');
    const kept = await patch(rendered, { body: '<p>plain now</p>' });
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ status: 'queued', template_id: null, subject: 'Hello Ann', body: '<p>plain now</p>' });
  });

  it.each<OutboxStatus>(['sending', 'sent', 'skipped', 'delivered', 'delivery-delayed', 'bounced'])(
    'refuses every edit once the email is %s (EMAIL_NOT_EDITABLE), changing nothing',
    async (status) => {
      const id = await sendOne();
      await forceStatus(m, id, status);
      for (const body of [{ status: 'paused' }, { status: 'cancelled' }, { status: 'queued' }, { subject: 'x' }, { body: 'y' }, { scheduled_at_millis: Date.now() + 1000 }]) {
        const res = await patch(id, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json()).toMatchObject({ code: 'EMAIL_NOT_EDITABLE', error: expect.any(String), details: { status } });
        expect(res.headers['x-stack-known-error']).toBe('EMAIL_NOT_EDITABLE');
      }
      const after = (await get(id)).json();
      expect(after).toMatchObject({ status, subject: 'Verify your email' });
    },
  );

  it.each<OutboxStatus>(['rendering', 'render-error', 'server-error', 'preparing'])('allows edits while %s', async (status) => {
    const id = await sendOne();
    await forceStatus(m, id, status, { last_error: status === 'server-error' ? '451 try later' : undefined } as { last_error?: string });
    const res = await patch(id, { subject: 'Fixed' });
    expect(res.statusCode).toBe(200);
    expect(res.json().subject).toBe('Fixed');
    if (status === 'server-error') expect(res.json().last_error).toBe('451 try later');
  });

  it('wins against a worker that claimed the row but has not handed it to SMTP: the worker’s CAS then fails', async () => {
    const id = await sendOne();
    expect(await workerCas(m, id, 'queued', 'rendering')).toBe(true);
    expect((await patch(id, { status: 'paused' })).json().status).toBe('paused');
    expect(await workerCas(m, id, 'rendering', 'sending')).toBe(false);
    expect((await get(id)).json().status).toBe('paused');
    const edited = await sendOne();
    await workerCas(m, edited, 'queued', 'rendering');
    // A content edit hands the message back to the queue, so the stale render is never sent.
    expect((await patch(edited, { body: '<p>v2</p>' })).json()).toMatchObject({ status: 'queued', body: '<p>v2</p>' });
    expect(await workerCas(m, edited, 'rendering', 'sending')).toBe(false);
  });

  it('refuses bad PATCH bodies', async () => {
    const id = await sendOne();
    for (const [body, field] of [
      [{}, 'body'],
      [{ status: 'sent' }, 'body.status'],
      [{ subject: 'a\r\nb' }, 'subject'],
      [{ scheduled_at: 'soon' }, 'scheduled_at'],
      [{ colour: 'red' }, 'body.colour'],
    ] as const) {
      const res = await patch(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('SCHEMA_ERROR');
      expect(res.json().error).toContain(field);
    }
  });

  it('refuses a scheduled time more than a year ahead on every send path and on PATCH; listing keeps working', async () => {
    const tooLate = 1e16; // a microsecond timestamp passed as milliseconds: no date can show it
    const inTwoYears = Date.now() + 2 * 365 * 24 * 3600_000;
    const post = (url: string, body: unknown, headers: Record<string, string>) => m.request({ method: 'POST', url, headers, body });
    const bearer = { authorization: `Bearer ${m.project.secret_server_key}` };
    const refusals = [
      [await post('/api/v1/emails/send-email', { recipients: ['a@example.com'], subject: 's', html: 'h', scheduled_at_millis: tooLate }, m.serverHeaders), 'scheduled_at_millis'],
      [await post('/mail/send', { from: 'a@example.com', to: 'b@example.com', subject: 's', text: 'x', scheduledAt: new Date(inTwoYears).toISOString() }, bearer), 'scheduledAt'],
      [await post('/mail/broadcast', { from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 'x', scheduledAt: new Date(inTwoYears).toISOString() }, bearer), 'scheduledAt'],
    ] as const;
    for (const [res, field] of refusals) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().code).toBe('SCHEMA_ERROR');
      expect(JSON.stringify(res.json())).toContain(`${field}: must be at most one year from now`);
    }
    const batch = await post('/mail/batch', { emails: [{ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 'x', scheduledAt: new Date(inTwoYears).toISOString() }] }, bearer);
    expect(batch.json().results[0].error).toEqual({ code: 'SCHEMA_ERROR', message: expect.stringContaining('emails[0].scheduledAt') });

    const id = await sendOne();
    for (const [body, field] of [
      [{ scheduled_at_millis: tooLate }, 'body.scheduled_at_millis'],
      [{ scheduled_at: new Date(inTwoYears).toISOString() }, 'body.scheduled_at'],
    ] as const) {
      const res = await patch(id, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'SCHEMA_ERROR', error: `${field}: must be at most one year from now` });
    }
    // Within the year is fine.
    const nextMonth = Date.now() + 30 * 24 * 3600_000;
    expect((await patch(id, { scheduled_at_millis: nextMonth })).json()).toMatchObject({ status: 'scheduled', scheduled_at: new Date(nextMonth).toISOString() });
    const list = await m.request({ method: 'GET', url: '/api/v1/emails/outbox?limit=100', headers: m.serverHeaders });
    expect(list.statusCode).toBe(200);
    expect((await get(id)).statusCode).toBe(200);
    expect((await m.request({ method: 'GET', url: '/mail/emails?limit=100', headers: bearer })).statusCode).toBe(200);
  });

  it('shows attempts and the last error from the delivery records', async () => {
    const id = await sendOne();
    await m.core.engine.db
      .insertInto('delivery_attempts')
      .values({ message_id: id, attempt: 1, started_at: 1_700_000_000_000, finished_at: 1_700_000_000_500, outcome: 'deferred', smtp_code: 451, enhanced_code: '4.7.1', response: '451 4.7.1 try later' })
      .execute();
    await m.core.engine.db.updateTable('outbox_messages').set({ attempts: 1 }).where('id', '=', id).execute();
    await forceStatus(m, id, 'server-error', { last_error: '451 4.7.1 try later' });
    const entry = (await get(id)).json();
    expect(entry).toMatchObject({ status: 'server-error', simple_status: 'error', last_error: '451 4.7.1 try later', attempt_count: 1 });
    expect(entry.attempts).toEqual([
      { attempt: 1, started_at: '2023-11-14T22:13:20.000Z', finished_at: '2023-11-14T22:13:20.500Z', outcome: 'deferred', smtp_code: 451, enhanced_code: '4.7.1', response: '451 4.7.1 try later' },
    ]);
  });

  it('lists newest first with cursor pagination and status / simple_status filters', async () => {
    const fresh = await startTestMailroom(engine);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const accepted = await fresh.core.accept.accept(fresh.project.project_id, {
          source: 'mail',
          to: [{ email: `r${i}@example.com` }],
          subject: `s${i}`,
          content: { kind: 'body', html: 'h' },
        });
        ids.push(accepted.ids[0]!);
        await new Promise((r) => setTimeout(r, 2));
      }
      await forceStatus(fresh, ids[0]!, 'sent');
      await forceStatus(fresh, ids[1]!, 'bounced');
      const list = (url: string) => fresh.request({ method: 'GET', url, headers: fresh.serverHeaders }).then((r) => r.json());
      const first = await list('/api/v1/emails/outbox?limit=2');
      expect(first.items.map((e: { id: string }) => e.id)).toEqual([ids[4], ids[3]]);
      const second = await list(`/api/v1/emails/outbox?limit=2&cursor=${first.pagination.next_cursor}`);
      expect(second.items.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
      const third = await list(`/api/v1/emails/outbox?limit=2&cursor=${second.pagination.next_cursor}`);
      expect(third.items.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
      expect(third.pagination.next_cursor).toBeNull();
      expect((await list('/api/v1/emails/outbox?status=sent')).items.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
      expect((await list('/api/v1/emails/outbox?simple_status=error')).items.map((e: { id: string }) => e.id)).toEqual([ids[1]]);
      expect((await list('/api/v1/emails/outbox?simple_status=in-progress')).items).toHaveLength(3);
      const bad = await fresh.request({ method: 'GET', url: '/api/v1/emails/outbox?status=lost', headers: fresh.serverHeaders });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toContain('querystring.status');
    } finally {
      await fresh.close();
    }
  });

  it('answers a cursor it did not hand out with 400 naming query.cursor, on every cursor-paged list', async () => {
    const forged = [Buffer.from('yesterday:abc').toString('base64url'), Buffer.from('12345').toString('base64url'), 'not-a-cursor'];
    for (const url of ['/api/v1/emails/outbox', '/api/v1/users', '/api/v1/dev/inbox']) {
      for (const cursor of forged) {
        const res = await m.request({ method: 'GET', url: `${url}?cursor=${cursor}`, headers: m.serverHeaders });
        expect(res.statusCode, `${url} ${cursor}`).toBe(400);
        expect(res.json()).toMatchObject({ code: 'SCHEMA_ERROR', error: 'query.cursor: is not a cursor this endpoint returned', details: { field: 'query.cursor' } });
      }
    }
  });

  it('answers 404 for another project’s email on get and PATCH, and leaves it alone', async () => {
    const id = await sendOne();
    const other = await otherProject(m);
    expect((await get(id, other.stack)).statusCode).toBe(404);
    const res = await patch(id, { status: 'cancelled' }, other.stack);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
    expect((await get(id)).json().status).toBe('queued');
    const list = await m.request({ method: 'GET', url: '/api/v1/emails/outbox', headers: other.stack });
    expect(list.json().items).toEqual([]);
  });
});
