import { sql, type Kysely, type Transaction } from 'kysely';
import { canTransition, type OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { AppliedChange, RenderResults } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { recordTransitions } from './record-transitions.js';
import type { UpdateObject } from 'kysely';

/**
 * A compare-and-set from `rendering` held by `owner`. It fails when the outbox API
 * paused or cancelled the row meanwhile (or its lease was recovered): the caller drops it.
 */
async function casFromRendering(
  trx: Transaction<Database>,
  owner: string,
  id: string,
  to: OutboxStatus,
  set: UpdateObject<Database, 'outbox_messages'>,
): Promise<{ projectId: string } | undefined> {
  if (!canTransition('rendering', to)) throw new Error(`lifecycle forbids rendering -> ${to}`);
  return trx
    .updateTable('outbox_messages')
    .set({ ...set, status: to })
    .where('id', '=', id)
    .where('status', '=', 'rendering')
    .where('lease_owner', '=', owner)
    .returning('project_id as projectId')
    .executeTakeFirst();
}

/** rendering -> skipped | render-error | sending, in one transaction. */
export async function finishRendering(db: Kysely<Database>, owner: string, now: number, results: RenderResults): Promise<AppliedChange[]> {
  return db.transaction().execute(async (trx) => {
    const applied: AppliedChange[] = [];
    const ended = { lease_owner: null, lease_expires_at: null, updated_at: now };
    for (const skip of results.skips) {
      const row = await casFromRendering(trx, owner, skip.id, 'skipped', { ...ended, skip_reason: skip.reason });
      if (row) applied.push({ id: skip.id, projectId: row.projectId, status: 'skipped', reason: skip.reason });
    }
    for (const failure of results.renderErrors) {
      const row = await casFromRendering(trx, owner, failure.id, 'render-error', { ...ended, last_error: failure.reason });
      if (row) applied.push({ id: failure.id, projectId: row.projectId, status: 'render-error', reason: failure.reason });
    }
    for (const handOff of results.handOffs) {
      const row = await casFromRendering(trx, owner, handOff.id, 'sending', {
        rendered_subject: handOff.subject,
        rendered_html: handOff.html,
        rendered_text: handOff.text,
        // From here on a crash may mean the mail went out: recovery treats it differently.
        handed_off_at: now,
        attempts: sql<number>`attempts + 1`,
        updated_at: now,
      });
      if (row) applied.push({ id: handOff.id, projectId: row.projectId, status: 'sending', reason: null });
    }
    await recordTransitions(trx, applied.map((c) => ({ messageId: c.id, status: c.status, reason: c.reason, at: now })));
    return applied;
  });
}
