import type { Kysely } from 'kysely';
import { claimableStatuses } from '../../core/outbox/lifecycle.js';
import type { DueProject } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

/** Projects that have due work, highest waiting priority first (the worker then shares a batch among them). */
export async function dueProjects(db: Kysely<Database>, now: number, limit: number): Promise<DueProject[]> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(['project_id', (eb) => eb.fn.max('priority').as('top')])
    .where('status', 'in', claimableStatuses)
    .where('run_at', '<=', now)
    .groupBy('project_id')
    .orderBy('top', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ projectId: r.project_id, topPriority: Number(r.top) }));
}
