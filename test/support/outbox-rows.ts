import { recordTransitions } from '../../src/store/queries/record-transitions.js';
import type { OutboxStatus } from '../../src/core/outbox/lifecycle.js';
import type { TestMailroom } from './mailroom.js';

/** Moves a row as a delivery worker would (status CAS plus a recorded transition), to reach states the API cannot. */
export async function forceStatus(m: TestMailroom, id: string, status: OutboxStatus, extra: { sent_at?: number; last_error?: string } = {}): Promise<void> {
  const db = m.core.engine.db;
  await db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('outbox_messages').set({ status, ...extra }).where('id', '=', id).returning('project_id').executeTakeFirstOrThrow();
    await recordTransitions(trx, [{ messageId: id, projectId: row.project_id, status, reason: 'test', at: Date.now() }]);
  });
}

/** A worker's compare-and-set: true when the row was still in `from`. */
export async function workerCas(m: TestMailroom, id: string, from: OutboxStatus, to: OutboxStatus): Promise<boolean> {
  const result = await m.core.engine.db.updateTable('outbox_messages').set({ status: to }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countMessages(m: TestMailroom, projectId = m.project.project_id): Promise<number> {
  const row = await m.core.engine.db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A second project in the same service, with Stack-style and Bearer headers. */
export async function otherProject(m: TestMailroom) {
  const project = await m.core.projects.createProject({ name: 'other project' });
  return {
    project,
    stack: { 'x-stack-secret-server-key': project.secret_server_key, 'x-stack-project-id': project.project_id },
    bearer: { authorization: `Bearer ${project.secret_server_key}` },
  };
}
