import type { Kysely } from 'kysely';
import type { AppliedChange, HandOff, Outcome } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { applyRendering } from './finish-rendering.js';
import { applyOutcomes } from './record-outcomes.js';
import { recordChanges } from './record-transitions.js';

/**
 * Outcomes of messages that came back and hand-offs of messages about to go
 * out, in one transaction with one status-history append for both: a worker's
 * writes while it sends are these two, and on SQLite a commit, on PostgreSQL a
 * round trip (the event order lock is held until COMMIT), is what each costs.
 */
export async function recordProgress(
  db: Kysely<Database>,
  owner: string,
  now: number,
  progress: { handOffs: readonly HandOff[]; outcomes: readonly Outcome[] },
): Promise<AppliedChange[]> {
  if (progress.handOffs.length === 0 && progress.outcomes.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const applied = [
      ...(await applyOutcomes(trx, owner, now, progress.outcomes)),
      ...(await applyRendering(trx, owner, now, { skips: [], renderErrors: [], handOffs: progress.handOffs })),
    ];
    await recordChanges(trx, applied, now);
    return applied;
  });
}
