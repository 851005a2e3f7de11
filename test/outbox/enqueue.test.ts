import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

describe.each(engineKinds)('enqueue on %s', (engine) => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
  });
  afterEach(() => m.close());

  it('commits one row per recipient with a stable Message-ID and its first transition', async () => {
    const statuses: string[] = [];
    m.core.events.on('email:status', (e) => statuses.push(e.status));
    const later = Date.now() + 60_000;
    const ids = await m.core.enqueue(m.project.project_id, [
      { source: 'mail', recipient: { email: 'a@example.com' }, subject: 'Hi', html: '<p>a</p>' },
      { source: 'mail', recipient: { userId: 'u1' }, subject: 'Hi', html: '<p>b</p>', scheduledAt: later },
    ]);
    expect(ids).toHaveLength(2);
    const first = await m.core.store.outbox.getMessage(m.project.project_id, ids[0]!);
    expect(first).toMatchObject({ status: 'queued', recipientEmail: 'a@example.com', messageIdHeader: `<${ids[0]}@127.0.0.1>` });
    const second = await m.core.store.outbox.getMessage(m.project.project_id, ids[1]!);
    expect(second).toMatchObject({ status: 'scheduled', recipientUserId: 'u1', runAt: later });
    expect(statuses).toEqual(['queued', 'scheduled']);
    const other = await m.core.projects.createProject({ name: 'other' });
    expect(await m.core.store.outbox.getMessage(other.project_id, ids[0]!)).toBeUndefined();
  });

  it('accepts a large batch in one transaction', async () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ source: 'broadcast', recipient: { email: `r${i}@example.com` }, subject: 's', html: 'h' }));
    const ids = await m.core.enqueue(m.project.project_id, messages);
    expect(new Set(ids).size).toBe(5000);
  });
});
