import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';

/**
 * PostgreSQL writes tried as one statement (record-progress.ts, the outbox's accept) assume what is
 * usually true: every compare-and-set applies, no webhook takes the events. A guard CTE, read before
 * the event order lock is taken, casts a marked text to an integer when the assumption is wrong: the
 * statement fails as a whole, nothing of it is kept, and the caller writes the general way.
 */
const refusal = 'mailroom-one-statement-refused';

export type Refusal = 'changed' | 'webhooks';

/**
 * `guard as materialized (...)`: `changedWhen` true refuses with 'changed'; an enabled webhook of
 * `webhookProjects` refuses with 'webhooks'. `count`, a number the statement's earlier CTEs produce,
 * goes into the refusal text: it keeps the cast from being evaluated before they run.
 */
export function guardCte(changedWhen: RawBuilder<boolean>, webhookProjects: readonly string[], count: RawBuilder<number>): RawBuilder<unknown> {
  return sql`guard as materialized (
    select case
      when ${changedWhen} then cast(concat(${refusal}::text, ' changed ', ${count}) as integer)
      when exists (select 1 from webhooks where enabled = 1 and project_id = any(${webhookProjects}::text[]))
        then cast(concat(${refusal}::text, ' webhooks ', ${count}) as integer)
      else 1 end as ok)`;
}

/**
 * Projects found with webhooks, for a minute: their writes go the general way at once instead of
 * trying one statement first and failing.
 */
export function webhookProjectsMemo(ttlMs = 60_000) {
  const until = new Map<string, number>();
  return {
    any: (projects: readonly string[], now: number) => projects.some((p) => (until.get(p) ?? 0) > now),
    add(projects: readonly string[], now: number): void {
      for (const [p, t] of until) if (t <= now) until.delete(p);
      for (const p of projects) until.set(p, now + ttlMs);
    },
  };
}

/**
 * Runs the statement, whose guard may refuse it: undefined once it has committed, or the refusal
 * (nothing of it was kept). Between BEGIN and COMMIT rather than committed on its own: on its own, a
 * statement the server finishes after the client gave up on it (a frozen database, a lost
 * connection) commits anyway: a hand-off of mail never sent, stuck in `sending` until its lease
 * runs out, or a send answered 503 yet kept. In a transaction only COMMIT can do that.
 */
export async function tryOneStatement(db: Kysely<Database>, statement: RawBuilder<unknown>): Promise<Refusal | undefined> {
  try {
    await db.transaction().execute((trx) => statement.execute(trx));
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (message.includes(`${refusal} webhooks`)) return 'webhooks';
    if (message.includes(`${refusal} changed`)) return 'changed';
    throw error;
  }
}
