import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/**
 * A broadcast's `queued` events are stored as one span row, yet every reader
 * (WebSocket resume, the relays, webhooks) still sees one event per message,
 * with consecutive ids, and can resume from inside the span.
 */
describe.each(engineKinds)('accepted-send events on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(async () => {
    await m?.close();
  });

  it('a broadcast writes one log row, read back as one queued event per message, resumable from inside', async () => {
    const hook = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: 'https://93.184.216.34/in', events: ['email.queued'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    const before = (await m.core.store.events.latestId()) ?? 0;
    const to = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com'];
    const res = await m.request({ method: 'POST', url: '/mail/broadcast', headers: { authorization: `Bearer ${m.project.secret_server_key}` }, body: { from: 'app@example.com', to, subject: 'News', html: '<p>hi</p>' } });
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().ids as string[];

    const events = await m.core.store.events.readAfter(m.project.project_id, before, 100);
    expect(events.map((e) => e.payload.id)).toEqual(ids);
    expect(events.map((e) => e.payload.status)).toEqual(ids.map(() => 'queued'));
    expect(events.map((e) => e.id)).toEqual(ids.map((_, i) => before + 1 + i));
    expect(events[0]!.topic).toBe('email.queued');
    expect(await m.core.store.events.latestId()).toBe(before + ids.length);

    // Stored as one row: the five events cost one row and its index entries.
    const rows = await m.core.engine.db.selectFrom('events').select(['id', 'first_id']).where('id', '>', before).execute();
    expect(rows.map((r) => [Number(r.id), Number(r.first_id)])).toEqual([[before + 5, before + 1]]);
    // The ids accepted together share at least their first 24 characters: the row holds that prefix once.
    const stored = await m.core.engine.db.selectFrom('events').select('payload').where('id', '=', before + 5).executeTakeFirstOrThrow();
    const span = JSON.parse(stored.payload) as { idPrefix: string; ids: string[] };
    expect(span.idPrefix.length).toBeGreaterThanOrEqual(24);
    expect(span.ids.map((tail) => span.idPrefix + tail)).toEqual(ids);

    // A resume from inside the span, in pages of two, sees the rest once and in order.
    const resumed: number[] = [];
    for (let cursor = before + 2; ; ) {
      const page = await m.core.store.events.readAfter(m.project.project_id, cursor, 2);
      resumed.push(...page.map((e) => e.id));
      if (page.length < 2) break;
      cursor = page[page.length - 1]!.id;
    }
    expect(resumed).toEqual([before + 3, before + 4, before + 5]);
    expect((await m.core.store.events.readSince(before + 4, 10)).map((e) => e.payload.id)).toEqual([ids[4]]);
    // A notification names the row's id; reading it gives the whole span.
    expect((await m.core.store.events.readByIds([before + 5])).map((e) => e.id)).toEqual(ids.map((_, i) => before + 1 + i));

    // Every message still gets its own webhook delivery with its own event id.
    const deliveries = await m.core.engine.db.selectFrom('webhook_deliveries').select(['event_id', 'payload']).where('event_type', '=', 'email.queued').orderBy('event_id').execute();
    expect(deliveries.map((d) => Number(d.event_id))).toEqual(ids.map((_, i) => before + 1 + i));
    expect(deliveries.map((d) => JSON.parse(d.payload).data.id)).toEqual(ids);

    // A single send after the span continues the ids.
    const single = await m.request({ method: 'POST', url: '/mail/send', headers: { authorization: `Bearer ${m.project.secret_server_key}` }, body: { from: 'app@example.com', to: 'f@example.com', subject: 'One', html: '<p>one</p>' } });
    expect(single.statusCode).toBe(200);
    const after = await m.core.store.events.readAfter(m.project.project_id, before + 5, 10);
    expect(after.map((e) => [e.id, e.payload.id])).toEqual([[before + 6, single.json().id]]);
  });

  it('reads spans written before ids were stored by their own part', async () => {
    const before = (await m.core.store.events.latestId()) ?? 0;
    const ids = ['0b1e2a3c-0000-7000-8000-000000000001', '0b1e2a3c-0000-7000-8000-000000000002'];
    await m.core.engine.db
      .insertInto('events')
      .values({
        id: before + 2,
        first_id: before + 1,
        project_id: m.project.project_id,
        resource: 'emails',
        type: 'EMAIL_STATUS',
        topic: 'email.queued',
        payload: JSON.stringify({ type: 'EMAIL_STATUS', status: 'queued', ids }),
        created_at: Date.now(),
      })
      .execute();
    const events = await m.core.store.events.readAfter(m.project.project_id, before, 10);
    expect(events.map((e) => [e.id, e.payload.id])).toEqual([
      [before + 1, ids[0]],
      [before + 2, ids[1]],
    ]);
  });
});
