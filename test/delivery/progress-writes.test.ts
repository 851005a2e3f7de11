import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandOff, Outcome } from '../../src/core/delivery/types.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { send } from './helpers.js';

/**
 * A worker's progress write (hand-offs and outcomes) changes only the rows it still holds, and the
 * status history, the events and the webhook deliveries report exactly those.
 */
describe.each(engineKinds)('progress writes on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(async () => {
    await m?.close();
  });

  const owner = 'worker-a';
  const handOff = (id: string): HandOff => ({ id, subject: 'Hello', html: '<p>Hello</p>', text: 'Hello' });
  const sent = (id: string): Outcome => ({
    id,
    status: 'sent',
    response: '250 2.0.0 OK queued as Q',
    queueId: 'Q',
    attempt: { attempt: 1, startedAt: Date.now(), finishedAt: Date.now(), outcome: 'sent', smtpCode: 250, enhancedCode: '2.0.0', response: '250 2.0.0 OK queued as Q' },
  });

  /** `count` new messages claimed by `owner` (status `rendering`). */
  async function claimed(count: number): Promise<string[]> {
    const ids = await send(m, ...Array.from({ length: count }, (_, i) => ({ recipient: { email: `reader${i}@example.com` } })));
    const now = Date.now();
    const rows = await m.core.store.delivery.claimDue({ projectId: m.project.project_id, limit: 100, owner, now, leaseUntil: now + 60_000 });
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    return ids;
  }

  const statusOf = async (ids: readonly string[]) =>
    Object.fromEntries((await m.core.engine.db.selectFrom('outbox_messages').select(['id', 'status']).where('id', 'in', ids).execute()).map((r) => [r.id, r.status]));
  const historyOf = async (ids: readonly string[]) =>
    (await m.core.engine.db.selectFrom('outbox_transitions').select(['message_id', 'status']).where('message_id', 'in', ids).orderBy('id').execute()).map((r) => `${r.message_id}:${r.status}`);
  const eventsAfter = async (before: number) => (await m.core.store.events.readAfter(m.project.project_id, before, 100)).map((e) => `${e.payload.id}:${e.payload.status}`);

  it('records hand-offs and outcomes together, with their history and events in order', async () => {
    const [a, b, c] = await claimed(3);
    const before = (await m.core.store.events.latestId()) ?? 0;
    expect(await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [handOff(a!), handOff(b!), handOff(c!)], outcomes: [] })).toHaveLength(3);
    const applied = await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [], outcomes: [sent(a!), sent(b!)] });
    expect(applied.map((change) => `${change.id}:${change.status}`)).toEqual([`${a}:sent`, `${b}:sent`]);
    expect(await statusOf([a!, b!, c!])).toEqual({ [a!]: 'sent', [b!]: 'sent', [c!]: 'sending' });
    expect(await historyOf([a!])).toEqual([`${a}:rendering`, `${a}:sending`, `${a}:sent`]);
    expect(await eventsAfter(before)).toEqual([`${a}:sending`, `${b}:sending`, `${c}:sending`, `${a}:sent`, `${b}:sent`]);
    const attempts = await m.core.engine.db.selectFrom('delivery_attempts').select('message_id').where('message_id', 'in', [a!, b!, c!]).execute();
    expect(attempts.map((r) => r.message_id).sort()).toEqual([a!, b!].sort());
  });

  it('leaves out a row another worker took over, and reports only the rows it changed', async () => {
    const [a, b, c] = await claimed(3);
    await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [handOff(a!)], outcomes: [] });
    // The lease of b was recovered meanwhile and the row is another worker's now.
    await m.core.engine.db.updateTable('outbox_messages').set({ lease_owner: 'worker-b' }).where('id', '=', b!).execute();
    const before = (await m.core.store.events.latestId()) ?? 0;
    const applied = await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [handOff(b!), handOff(c!)], outcomes: [sent(a!)] });
    expect(applied.map((change) => `${change.id}:${change.status}`)).toEqual([`${a}:sent`, `${c}:sending`]);
    expect(await statusOf([a!, b!, c!])).toEqual({ [a!]: 'sent', [b!]: 'rendering', [c!]: 'sending' });
    expect(await historyOf([b!])).toEqual([`${b}:rendering`]);
    expect(await eventsAfter(before)).toEqual([`${a}:sent`, `${c}:sending`]);
  });

  it('creates webhook deliveries for the events of a project with an enabled webhook', async () => {
    const hook = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: 'https://93.184.216.34/in', events: ['email.sent'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    const [a, b] = await claimed(2);
    await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [handOff(a!), handOff(b!)], outcomes: [] });
    await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [], outcomes: [sent(a!)] });
    await m.core.store.delivery.recordProgress(owner, Date.now(), { handOffs: [], outcomes: [sent(b!)] });
    const deliveries = await m.core.engine.db.selectFrom('webhook_deliveries').select(['event_type', 'payload']).orderBy('event_id').execute();
    expect(deliveries.map((d) => `${(JSON.parse(d.payload) as { data: { id: string } }).data.id}:${d.event_type}`)).toEqual([`${a}:email.sent`, `${b}:email.sent`]);
  });
});
