import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Captured messages beyond the newest `keep` of each project, one batch per call. */
export async function pruneInbox(db: Kysely<Database>, keep: number, limit: number, dryRun: boolean): Promise<number> {
  const projects = await db
    .selectFrom('captured_messages')
    .select(['project_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('project_id')
    .having((eb) => eb.fn.countAll(), '>', keep)
    .execute();
  let total = 0;
  for (const p of projects) {
    const over = Number(p.n) - keep;
    if (dryRun) {
      total += over;
      continue;
    }
    if (total >= limit) break;
    // The oldest rows beyond the newest `keep`, by (created_at, id) through the project's index.
    const oldest = await db
      .selectFrom('captured_messages')
      .select('id')
      .where('project_id', '=', p.project_id)
      .orderBy('created_at')
      .orderBy('id')
      .limit(Math.min(over, limit - total))
      .execute();
    if (oldest.length === 0) continue;
    await db.deleteFrom('captured_messages').where('id', 'in', oldest.map((r) => r.id)).execute();
    total += oldest.length;
  }
  return total;
}
