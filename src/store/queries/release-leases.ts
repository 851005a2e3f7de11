import type { Kysely } from 'kysely';
import { canTransition } from '../../core/outbox/lifecycle.js';
import type { AppliedChange } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { recordTransitions } from './record-transitions.js';

/** Rows this owner claimed but never handed to SMTP (except `keep`) go back to `queued` at once. */
export async function releaseLeases(
  db: Kysely<Database>,
  owner: string,
  now: number,
  options: { keep?: readonly string[]; reason?: string } = {},
): Promise<AppliedChange[]> {
  const keep = options.keep ?? [];
  if (!canTransition('rendering', 'queued')) throw new Error('lifecycle forbids rendering -> queued');
  return db.transaction().execute(async (trx) => {
    let release = trx
      .updateTable('outbox_messages')
      .set({ status: 'queued', lease_owner: null, lease_expires_at: null, run_at: now, updated_at: now })
      .where('status', '=', 'rendering')
      .where('lease_owner', '=', owner);
    // A worker holds at most two batches, so `keep` is small.
    if (keep.length > 0) release = release.where('id', 'not in', keep);
    const rows = await release.returning(['id', 'project_id']).execute();
    const reason = options.reason ?? 'released by a stopping worker before hand-off';
    await recordTransitions(trx, rows.map((r) => ({ messageId: r.id, projectId: r.project_id, status: 'queued', reason, at: now })));
    return rows.map((r) => ({ id: r.id, projectId: r.project_id, status: 'queued' as const, reason }));
  });
}
