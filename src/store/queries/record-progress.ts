import { sql, type Kysely } from 'kysely';
import type { AppliedChange, HandOff, Outcome } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';
import { appendStatementTail, isPostgres, oneStatementRows, placeEvents } from './append-events.js';
import { applyRendering, handOffsUpdate } from './finish-rendering.js';
import { attemptsCte } from './insert-attempts.js';
import { applyOutcomes, outcomesUpdate, reasonOf } from './record-outcomes.js';
import { guardCte, tryOneStatement, webhookProjectsMemo, type Refusal } from './one-statement-guard.js';
import { recordChanges, statusEvents } from './record-transitions.js';

export interface Progress {
  handOffs: readonly HandOff[];
  outcomes: readonly Outcome[];
}

/**
 * Outcomes of messages that came back and hand-offs of messages about to go
 * out, in one transaction with one status-history append for both: a worker's
 * writes while it sends are these two.
 *
 * On PostgreSQL the whole write is first tried as one statement between BEGIN and COMMIT (three
 * round trips instead of six), which assumes every compare-and-set applies and no webhook listens.
 * When either is wrong the statement fails as a whole and the general transaction writes it instead.
 */
export function createProgressRecorder(db: Kysely<Database>) {
  const postgres = isPostgres(db);
  const withWebhooks = webhookProjectsMemo();
  return async function recordProgress(owner: string, now: number, progress: Progress): Promise<AppliedChange[]> {
    if (progress.handOffs.length === 0 && progress.outcomes.length === 0) return [];
    if (postgres && oneStatementFits(progress)) {
      const write = oneStatementWrite(now, progress);
      if (!withWebhooks.any(write.webhookProjects, now)) {
        const refused = await inOneStatement(db, owner, now, progress, write);
        if (refused === undefined) return write.applied;
        if (refused === 'webhooks') withWebhooks.add(write.webhookProjects, now);
      }
    }
    return inTransaction(db, owner, now, progress);
  };
}

function inTransaction(db: Kysely<Database>, owner: string, now: number, progress: Progress): Promise<AppliedChange[]> {
  return db.transaction().execute(async (trx) => {
    const applied = [
      ...(await applyOutcomes(trx, owner, now, progress.outcomes)),
      ...(await applyRendering(trx, owner, now, { skips: [], renderErrors: [], handOffs: progress.handOffs })),
    ];
    await recordChanges(trx, applied, now);
    return applied;
  });
}

/** Suppressions and long event runs are left to the general write. */
const oneStatementFits = (progress: Progress) =>
  progress.handOffs.length + progress.outcomes.length <= oneStatementRows && progress.outcomes.every((o) => o.status !== 'bounced' || o.suppress === null);

/** What the one statement writes if every compare-and-set applies, and the projects whose events a webhook may take. */
function oneStatementWrite(now: number, { handOffs, outcomes }: Progress) {
  const applied: AppliedChange[] = [
    ...outcomes.map((o) => ({ id: o.id, projectId: o.projectId, status: o.status, reason: reasonOf(o) })),
    ...handOffs.map((h) => ({ id: h.id, projectId: h.projectId, status: 'sending' as const, reason: null })),
  ];
  const history = applied.map((c) => ({ messageId: c.id, projectId: c.projectId, status: c.status, reason: c.reason, at: now }));
  const events = statusEvents(history);
  const webhookProjects = [...new Set(events.filter((e) => e.topic !== null).map((e) => e.projectId))];
  return { applied, history, events, webhookProjects };
}

/**
 * PostgreSQL: the outcomes and their attempts, the hand-offs, the status history and the events
 * in one statement. A guard, read before the event order lock is taken, fails the statement unless
 * every row changed and no webhook may take these events (their deliveries need the general
 * write): 'changed' or 'webhooks', and nothing of it is kept.
 */
async function inOneStatement(
  db: Kysely<Database>,
  owner: string,
  now: number,
  { handOffs, outcomes }: Progress,
  { applied, history, events, webhookProjects }: ReturnType<typeof oneStatementWrite>,
): Promise<Refusal | undefined> {
  const { placed, total } = placeEvents(events);
  const outcome = <T>(pick: (o: Outcome) => T) => outcomes.map(pick);
  const handOff = <T>(pick: (h: HandOff) => T) => handOffs.map(pick);
  const statement = sql`
    with ${attemptsCte(outcomes.map((o) => ({ messageId: o.id, ...o.attempt })))},
    outcomes as (${outcomesUpdate(
      owner,
      now,
      sql`unnest(${outcome((o) => o.id)}::text[], ${outcome((o) => o.status)}::text[],
                 ${outcome((o) => (o.status === 'sent' ? o.response : o.attempt.response))}::text[],
                 ${outcome((o) => (o.status === 'sent' ? o.queueId : null))}::text[],
                 ${outcome((o) => (o.status === 'queued' ? o.runAt : null))}::bigint[],
                 ${outcome((o) => (o.status === 'sent' ? null : o.reason))}::text[]) as v(id, status, response, queue_id, run_at, last_error)`,
    )} returning 1),
    hand_offs as (${handOffsUpdate(
      owner,
      now,
      sql`unnest(${handOff((h) => h.id)}::text[], ${handOff((h) => h.subject)}::text[], ${handOff((h) => h.html)}::text[],
                 ${handOff((h) => h.text)}::text[]) as v(id, subject, html, body)`,
    )} returning 1),
    ${guardCte(sql<boolean>`(select count(*) from outcomes) + (select count(*) from hand_offs) <> ${applied.length}`, webhookProjects, sql<number>`(select count(*) from outcomes)`)},
    ${appendStatementTail(placed, total, now, history, sql`guard`)}`;
  return tryOneStatement(db, statement);
}
