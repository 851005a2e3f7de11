import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { forceStatus } from '../support/outbox-rows.js';

/** Which projects a worker shares its next batch among, and in what order. */
describe.each(engineKinds)('projects with due work on %s', (engine) => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
  });
  afterEach(() => m.close());

  async function send(projectId: string, options: { priority?: number; scheduledAt?: number } = {}): Promise<string> {
    const accepted = await m.core.accept.accept(projectId, { source: 'mail', to: [{ email: 'a@example.com' }], subject: 's', content: { kind: 'body', html: 'h' }, ...options });
    return accepted.ids[0]!;
  }

  /** A retry waiting for its time: `queued` with run_at in the future. */
  async function deferred(projectId: string, priority: number): Promise<void> {
    const id = await send(projectId, { priority });
    await m.core.engine.db.updateTable('outbox_messages').set({ run_at: Date.now() + 3_600_000 }).where('id', '=', id).execute();
  }

  it('are those with queued mail due now, highest waiting priority first, whatever waits behind it', async () => {
    const names = new Map<string, string>();
    const project = async (name: string) => {
      const p = await m.core.projects.createProject({ name });
      names.set(p.project_id, name);
      return p.project_id;
    };
    const plain = await project('plain');
    await send(plain);
    await send(plain);
    // Its priority-20 mail waits for a retry; what is due now is priority 10.
    const urgent = await project('urgent');
    await deferred(urgent, 20);
    await send(urgent, { priority: 10 });
    const waiting = await project('only retries later');
    await deferred(waiting, 0);
    const scheduled = await project('scheduled for tomorrow');
    await send(scheduled, { scheduledAt: Date.now() + 86_400_000 });
    const finished = await project('finished');
    await forceStatus(m, await send(finished), 'sent');

    const due = await m.core.store.delivery.dueProjects(Date.now(), 10);
    expect(due.map((d) => [names.get(d.projectId), d.topPriority])).toEqual([
      ['urgent', 10],
      ['plain', 0],
    ]);
    expect(await m.core.store.delivery.dueProjects(Date.now(), 1)).toHaveLength(1);
  });
});
