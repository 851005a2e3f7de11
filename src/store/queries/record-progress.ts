import type { Kysely } from 'kysely';
import type { AppliedChange, HandOff, Outcome } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { finishRenderingIn } from './finish-rendering.js';
import { recordOutcomesIn } from './record-outcomes.js';

/**
 * Outcomes of messages that came back and hand-offs of messages about to go
 * out, in one transaction: a worker's writes while it sends are these two, and
 * a commit (not the statements) is what each write costs, most of all on SQLite.
 */
export async function recordProgress(
  db: Kysely<Database>,
  owner: string,
  now: number,
  progress: { handOffs: readonly HandOff[]; outcomes: readonly Outcome[] },
): Promise<AppliedChange[]> {
  if (progress.handOffs.length === 0 && progress.outcomes.length === 0) return [];
  return db.transaction().execute(async (trx) => [
    ...(await recordOutcomesIn(trx, owner, now, progress.outcomes)),
    ...(await finishRenderingIn(trx, owner, now, { skips: [], renderErrors: [], handOffs: [...progress.handOffs] })),
  ]);
}
