import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { block, closeClient, listen, openClient, openReadyClient, template, type EventClient, type EventMessage, raise } from './support.js';

describe.each(engineKinds)('WebSocket events on %s', (engine) => {
  let m: TestMailroom;
  let base: string;
  const clients: EventClient[] = [];
  const track = (c: EventClient) => (clients.push(c), c);

  beforeEach(async () => {
    m = await startTestMailroom(engine);
    base = await listen(m);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeClient));
    await m.close();
  });

  const scopedKey = async (permissions: string[], projectId = m.project.project_id) =>
    (await m.core.projects.createKey(projectId, { kind: 'scoped', permissions })).key;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const types = (c: EventClient) => c.messages.filter((x) => x.type !== 'READY').map((x) => `${x.type}:${String(x.uuid ?? x.status)}`);

  it('sends each client the events its key may read in its project, and none other', async () => {
    const other = await m.core.projects.createProject({ name: 'other' });
    const url = `${base}/api/v1/events`;
    const all = track(await openReadyClient(url, m.serverHeaders));
    const blocks = track(await openReadyClient(url, bearer(await scopedKey(['email.blocks:read']))));
    const templates = track(await openReadyClient(url, bearer(await scopedKey(['email.templates:*']))));
    const emails = track(await openReadyClient(url, bearer(await scopedKey(['emails:read']))));
    const otherProject = track(await openReadyClient(url, { 'x-stack-secret-server-key': other.secret_server_key, 'x-stack-project-id': other.project_id }));

    const p = m.project.project_id;
    await raise(m, 'block:add', block(other.project_id, { uuid: 'o1' }));
    await raise(m, 'block:add', block(p, { uuid: 'b1', name: 'header', content: '<h1>Hi</h1>', createdAt: 1000, updatedAt: 2000 }));
    await raise(m, 'template:update', template(p, { uuid: 't1' }));
    const [e1] = await m.core.enqueue(p, [{ source: 'mail', recipient: { email: 'a@example.com' }, subject: 's', html: 'h' }]);
    await raise(m, 'block:delete', block(p, { uuid: 'b2' }));
    await raise(m, 'template:delete', template(p, { uuid: 't2' }));
    const [e2] = await m.core.enqueue(p, [{ source: 'mail', recipient: { email: 'b@example.com' }, subject: 's', html: 'h', scheduledAt: Date.now() + 60_000 }]);
    await raise(m, 'block:update', block(other.project_id, { uuid: 'o2' }));

    // Events reach a connection in id order, so once its last readable event is in, nothing it may read is missing.
    await all.waitFor((x) => x.id === e2);
    await blocks.waitFor((x) => x.uuid === 'b2');
    await templates.waitFor((x) => x.uuid === 't2');
    await emails.waitFor((x) => x.id === e2);
    await otherProject.waitFor((x) => x.uuid === 'o2');

    expect(types(all)).toEqual(['EMAIL_BLOCK_ADD:b1', 'EMAIL_TEMPLATE_UPDATE:t1', 'EMAIL_STATUS:queued', 'EMAIL_BLOCK_DELETE:b2', 'EMAIL_TEMPLATE_DELETE:t2', 'EMAIL_STATUS:scheduled']);
    expect(types(blocks)).toEqual(['EMAIL_BLOCK_ADD:b1', 'EMAIL_BLOCK_DELETE:b2']);
    expect(types(templates)).toEqual(['EMAIL_TEMPLATE_UPDATE:t1', 'EMAIL_TEMPLATE_DELETE:t2']);
    expect(types(emails)).toEqual(['EMAIL_STATUS:queued', 'EMAIL_STATUS:scheduled']);
    expect(types(otherProject)).toEqual(['EMAIL_BLOCK_ADD:o1', 'EMAIL_BLOCK_UPDATE:o2']);

    // Seed 002's EMAIL_BLOCK_ADD fields, plus the event id to resume from.
    const added = blocks.messages.find((x) => x.type === 'EMAIL_BLOCK_ADD')!;
    expect(added).toEqual({ type: 'EMAIL_BLOCK_ADD', uuid: 'b1', name: 'header', content: '<h1>Hi</h1>', createdAt: 1000, updatedAt: 2000, eventId: expect.any(Number) });
    expect(emails.messages.find((x) => x.id === e1)).toEqual({
      type: 'EMAIL_STATUS',
      id: e1,
      status: 'queued',
      simpleStatus: 'in-progress',
      reason: null,
      time: expect.any(Number),
      eventId: expect.any(Number),
    });
    const ids = all.messages.filter((x) => x.eventId !== undefined).map((x) => x.eventId!);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('streams a large enqueue in order, stored in batches', async () => {
    const emails = track(await openReadyClient(`${base}/api/v1/events`, bearer(await scopedKey(['emails:read']))));
    const messages = Array.from({ length: 2000 }, (_, i) => ({ source: 'broadcast', recipient: { email: `r${i}@example.com` }, subject: 's', html: 'h' }));
    const ids = await m.core.enqueue(m.project.project_id, messages);
    await emails.waitFor((x) => x.id === ids[1999], 10_000);
    const statuses = emails.messages.filter((x) => x.type === 'EMAIL_STATUS');
    expect(statuses.map((x) => x.id)).toEqual(ids);
    expect(await m.core.store.events.readAfter(m.project.project_id, 0, 5000)).toHaveLength(2000);
  });

  it('refuses missing credentials (401) and keys that may read none of the streams (403)', async () => {
    const url = `${base}/api/v1/events`;
    await expect(openClient(url)).rejects.toMatchObject({ statusCode: 401 });
    const err = await openClient(url, bearer(await scopedKey(['webhooks:read', 'emails:send']))).catch((e: { statusCode: number; body: string }) => e);
    expect(err).toMatchObject({ statusCode: 403 });
    expect(JSON.parse((err as { body: string }).body)).toMatchObject({ code: 'INSUFFICIENT_PERMISSION' });
    await expect(openClient(url, bearer(m.project.publishable_client_key))).rejects.toMatchObject({ statusCode: 403 });
    await expect(openClient(`${url}?after=abc`, m.serverHeaders)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('accepts ?api_key= (and ?project_id=) for browsers, which cannot set headers', async () => {
    const key = await scopedKey(['email.blocks:read']);
    const viaQuery = track(await openReadyClient(`${base}/api/v1/events?api_key=${key}&project_id=${m.project.project_id}`));
    await raise(m, 'block:add', block(m.project.project_id, { uuid: 'q1' }));
    await viaQuery.waitFor((x) => x.uuid === 'q1');
    const other = await m.core.projects.createProject({ name: 'other' });
    await expect(openClient(`${base}/api/v1/events?api_key=${key}&project_id=${other.project_id}`)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('resumes after the last event id seen, by ?after= or Last-Event-ID, and says when the id is past retention', async () => {
    const p = m.project.project_id;
    const url = `${base}/api/v1/events`;
    const first = await openReadyClient(url, m.serverHeaders);
    await raise(m, 'block:add', block(p, { uuid: 'r1' }));
    await raise(m, 'block:add', block(p, { uuid: 'r2' }));
    const seen = await first.waitFor((x) => x.uuid === 'r2');
    await closeClient(first);
    const r1 = first.messages.find((x) => x.uuid === 'r1')!;

    // Raised while no client was connected.
    await raise(m, 'block:update', block(p, { uuid: 'r3' }));
    await raise(m, 'block:add', block((await m.core.projects.createProject({ name: 'x' })).project_id, { uuid: 'foreign' }));
    await m.core.eventHub.flushed();

    const resumed = track(await openReadyClient(`${url}?after=${seen.eventId}`, m.serverHeaders));
    await raise(m, 'block:delete', block(p, { uuid: 'r4' }));
    await resumed.waitFor((x) => x.uuid === 'r4');
    expect(types(resumed)).toEqual(['EMAIL_BLOCK_UPDATE:r3', 'EMAIL_BLOCK_DELETE:r4']);
    expect(resumed.messages.map((x) => x.type)).toEqual(['EMAIL_BLOCK_UPDATE', 'READY', 'EMAIL_BLOCK_DELETE']);

    const byHeader = track(await openReadyClient(url, { ...m.serverHeaders, 'last-event-id': String(r1.eventId) }));
    expect(types(byHeader)).toEqual(['EMAIL_BLOCK_ADD:r2', 'EMAIL_BLOCK_UPDATE:r3', 'EMAIL_BLOCK_DELETE:r4']);

    // Everything older than now falls out of the window; a later event remains.
    await m.core.store.events.prune(Date.now() + 1);
    await raise(m, 'block:add', block(p, { uuid: 'r5' }));
    await m.core.eventHub.flushed();
    const late = track(await openReadyClient(`${url}?after=${r1.eventId}`, m.serverHeaders));
    const gap = late.messages[0]!;
    expect(gap).toMatchObject({ type: 'RESUME_INCOMPLETE', after: r1.eventId, oldestEventId: expect.any(Number) });
    expect(types(late)).toEqual(['RESUME_INCOMPLETE:undefined', 'EMAIL_BLOCK_ADD:r5']);
  });

  it('closes open connections when the service stops', async () => {
    const client = await openReadyClient(`${base}/api/v1/events`, m.serverHeaders);
    await m.close();
    const { code } = await client.closed;
    expect(code).toBe(1001);
  });

  it('pings, and drops a connection that stops answering', async () => {
    // A ping every 150 ms here only. With it in every test, a loaded run dropped the client of the
    // large enqueue: its pong came back behind 2,000 queued events, later than the next ping.
    await m.close();
    m = await startTestMailroom(engine, { env: { MAILROOM_EVENTS_PING_MS: '150' } });
    base = await listen(m);
    const url = `${base}/api/v1/events`;
    const healthy = track(await openReadyClient(url, m.serverHeaders));
    const pinged = new Promise<void>((resolve) => healthy.ws.once('ping', () => resolve()));
    await pinged;
    const silent = track(await openReadyClient(url, m.serverHeaders, { autoPong: false }));
    const { code } = await silent.closed;
    expect(code).toBe(1006);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
  });
});

describe('a slow WebSocket consumer', () => {
  it('is disconnected with 4008 and a reason instead of growing server memory', async () => {
    const m = await startTestMailroom('sqlite', { env: { MAILROOM_EVENTS_MAX_BUFFERED_BYTES: '262144' } });
    try {
      const base = await listen(m);
      const slow = await openReadyClient(`${base}/api/v1/events`, m.serverHeaders);
      const fast = await openReadyClient(`${base}/api/v1/events`, m.serverHeaders);
      slow.ws.pause();
      // 10 MB in bursts of 128 kB: more than the kernel buffers the paused reader, never more than the limit at once.
      const content = 'x'.repeat(32 * 1024);
      for (let round = 0; round < 80; round++) {
        for (let i = 0; i < 4; i++) await raise(m, 'block:add', block(m.project.project_id, { uuid: `s${round * 4 + i}`, content }));
        await m.core.eventHub.flushed();
        await fast.waitFor((x: EventMessage) => x.uuid === `s${round * 4 + 3}`);
      }
      // The reader that keeps up got everything and is still connected.
      expect(fast.ws.readyState).toBe(fast.ws.OPEN);
      slow.ws.resume();
      const { code, reason } = await slow.closed;
      expect(code).toBe(4008);
      expect(reason).toMatch(/slow consumer/);
      expect(slow.messages.length).toBeLessThan(320);
      await closeClient(fast);
    } finally {
      await m.close();
    }
  });
});
