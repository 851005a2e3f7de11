import type { Engine } from '../database.js';
import { claimableStatuses, canTransition } from '../../core/outbox/lifecycle.js';
import type { ClaimRequest } from '../../core/delivery/types.js';
import type { OutboxMessage } from '../../core/outbox/types.js';
import { toOutboxMessage } from '../outbox-store.js';
import { recordTransitions } from './record-transitions.js';

/**
 * Claims up to `limit` due rows of one project in one statement: they move to
 * `rendering` under the caller's lease. On PostgreSQL the inner select locks with
 * SKIP LOCKED, so concurrent workers in any process claim disjoint rows; SQLite
 * serialises writers, so the same statement is already exclusive there.
 */
export async function claimDue(engine: Engine, request: ClaimRequest): Promise<OutboxMessage[]> {
  if (!claimableStatuses.every((s) => canTransition(s, 'rendering'))) throw new Error('lifecycle forbids claiming');
  return engine.db.transaction().execute(async (trx) => {
    let due = trx
      .selectFrom('outbox_messages')
      .select('id')
      .where('project_id', '=', request.projectId)
      .where('status', 'in', claimableStatuses)
      .where('run_at', '<=', request.now)
      .orderBy('priority', 'desc')
      .orderBy('run_at')
      .limit(request.limit);
    if (engine.capabilities.skipLocked) due = due.forUpdate().skipLocked();
    const rows = await trx
      .updateTable('outbox_messages')
      .set({ status: 'rendering', lease_owner: request.owner, lease_expires_at: request.leaseUntil, updated_at: request.now })
      .where('id', 'in', due)
      .where('status', 'in', claimableStatuses)
      .returningAll()
      .execute();
    await recordTransitions(
      trx,
      rows.map((r) => ({ messageId: r.id, status: 'rendering', reason: null, at: request.now })),
    );
    return rows.map(toOutboxMessage).sort((a, b) => b.priority - a.priority || a.runAt - b.runAt);
  });
}
