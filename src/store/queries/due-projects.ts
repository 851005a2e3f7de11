import { sql, type Kysely } from 'kysely';
import type { DueProject } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

/**
 * Projects that have due work, highest waiting priority first (the worker then shares a batch among them).
 *
 * One probe of the claim index (project, status, priority desc, run_at) per project, not a
 * pass over every due row: grouping the due rows by project read all of them, 26 ms with a
 * 100,000-recipient broadcast queued (on SQLite, on the event loop), before every claim.
 * Within a priority the earliest run_at comes first, so a probe stops at the first row of
 * the highest priority that has anything due. Only `queued` rows count: claims take only
 * those, and due `scheduled` rows were promoted just before (promote-due.ts).
 */
export async function dueProjects(db: Kysely<Database>, now: number, limit: number): Promise<DueProject[]> {
  const rows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('projects as p')
        .select((inner) => [
          'p.id as project_id',
          inner
            .selectFrom('outbox_messages as m')
            .select('m.priority')
            .whereRef('m.project_id', '=', 'p.id')
            .where('m.status', '=', 'queued')
            .where(sql<number>`+m.run_at`, '<=', now)
            .orderBy('m.priority', 'desc')
            .orderBy('m.run_at')
            .limit(1)
            .as('top'),
        ])
        .as('d'),
    )
    .select(['d.project_id', 'd.top'])
    .where('d.top', 'is not', null)
    .orderBy('d.top', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ projectId: r.project_id, topPriority: Number(r.top) }));
}
