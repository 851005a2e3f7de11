import { sql, type RawBuilder } from 'kysely';
import type { OutboxStatus } from '../../core/outbox/lifecycle.js';

/**
 * `v(col, ...) AS (VALUES (...), ...)`: per-row values for one UPDATE ... FROM v,
 * so a batch of rows, each with its own values, changes in one statement.
 * Both SQLite (3.33+) and PostgreSQL accept this spelling. Each value is given
 * as a RawBuilder so callers can cast where PostgreSQL cannot infer a type.
 */
export function valuesCte(name: string, columns: readonly string[], rows: readonly (readonly RawBuilder<unknown>[])[]): RawBuilder<unknown> {
  const tuples = rows.map((row) => sql`(${sql.join(row)})`);
  return sql`${sql.id(name)}(${sql.join(columns.map((c) => sql.id(c)))}) as (values ${sql.join(tuples)})`;
}

export const text = (value: string | null): RawBuilder<unknown> => sql`cast(${value} as text)`;
export const bigint = (value: number | null): RawBuilder<unknown> => sql`cast(${value} as bigint)`;

/**
 * A batched compare-and-set's expected `outbox_messages` status, written so that no index serves it (`status || ''`):
 * the rows are then found by primary key from the VALUES list. With `status = …` PostgreSQL, which
 * estimates a rare status (`rendering`, `sending`) at a handful of rows, scanned every entry of that
 * status in the status indexes, dead ones included, and visited their rows for each write: in
 * bench/deliver 1,700–2,400 entries and ~100 heap pages for a hand-off of 5 messages, growing until
 * vacuum ran.
 */
export const inStatus = (status: OutboxStatus): RawBuilder<unknown> => sql`outbox_messages.status || '' = ${status}`;
