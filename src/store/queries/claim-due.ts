import { sql } from 'kysely';
import type { Engine } from '../database.js';
import { canTransition } from '../../core/outbox/lifecycle.js';
import type { ClaimRequest } from '../../core/delivery/types.js';
import type { OutboxMessage } from '../../core/outbox/types.js';
import { withContents } from '../outbox-store.js';
import { recordTransitions } from './record-transitions.js';

/**
 * Only `queued` rows are claimed; scheduled rows are promoted to `queued` when due
 * (promote-due.ts). With one status the claim index (project, status, priority
 * desc, run_at) yields rows in claim order and the scan stops after `limit` rows;
 * `+run_at` keeps the planner from preferring the run_at index and sorting every due row.
 *
 * Claims up to `limit` due rows of one project in one statement: they move to
 * `rendering` under the caller's lease. On PostgreSQL the inner select locks with
 * SKIP LOCKED, so concurrent workers in any process claim disjoint rows; SQLite
 * serialises writers, so the same statement is already exclusive there.
 */
export async function claimDue(engine: Engine, request: ClaimRequest): Promise<OutboxMessage[]> {
  if (!canTransition('queued', 'rendering')) throw new Error('lifecycle forbids claiming');
  return engine.db.transaction().execute(async (trx) => {
    // A materialized CTE evaluates the locking select exactly once; as an IN-subquery
    // PostgreSQL may re-run it per row and claim more than `limit`.
    const rows = await trx
      .with(
        (cte) => cte('due').materialized(),
        (db) => {
          const due = db
            .selectFrom('outbox_messages')
            .select('id')
            .where('project_id', '=', request.projectId)
            .where('status', '=', 'queued')
            .where(sql<number>`+run_at`, '<=', request.now)
            .orderBy('priority', 'desc')
            .orderBy('run_at')
            .limit(request.limit);
          return engine.capabilities.skipLocked ? due.forUpdate().skipLocked() : due;
        },
      )
      .updateTable('outbox_messages')
      .set({ status: 'rendering', lease_owner: request.owner, lease_expires_at: request.leaseUntil, updated_at: request.now })
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .where('status', '=', 'queued')
      .returningAll()
      .execute();
    await recordTransitions(
      trx,
      rows.map((r) => ({ messageId: r.id, projectId: r.project_id, status: 'rendering', reason: null, at: request.now })),
    );
    // Each message with its shared content: the worker gets the same OutboxMessage shape as before.
    const messages = await withContents(trx, request.projectId, rows);
    return messages.sort((a, b) => b.priority - a.priority || a.runAt - b.runAt);
  });
}
