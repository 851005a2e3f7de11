import type { Kysely } from 'kysely';
import { canTransition } from '../../core/outbox/lifecycle.js';
import type { AppliedChange } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { recordTransitions } from './record-transitions.js';

/** Scheduled messages whose time has come become `queued` (and so claimable), with their transition. */
export async function promoteDue(db: Kysely<Database>, now: number): Promise<AppliedChange[]> {
  if (!canTransition('scheduled', 'queued')) throw new Error('lifecycle forbids scheduled -> queued');
  // Usually nothing is due: a plain read keeps the common case out of a write transaction.
  const any = await db.selectFrom('outbox_messages').select('id').where('status', '=', 'scheduled').where('run_at', '<=', now).limit(1).executeTakeFirst();
  if (!any) return [];
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('outbox_messages')
      .set({ status: 'queued', updated_at: now })
      .where('status', '=', 'scheduled')
      .where('run_at', '<=', now)
      .returning(['id', 'project_id'])
      .execute();
    await recordTransitions(trx, rows.map((r) => ({ messageId: r.id, projectId: r.project_id, status: 'queued', reason: null, at: now })));
    return rows.map((r) => ({ id: r.id, projectId: r.project_id, status: 'queued' as const, reason: null }));
  });
}
