import { sql, type RawBuilder } from 'kysely';
import type { Engine } from './database.js';

/**
 * The recipient address as the `outbox_recipient_lower` index holds it: lower-cased and, on
 * PostgreSQL, in byte order (`collate "C"`), so a prefix is one index range on both engines
 * without pg_trgm or text_pattern_ops. (SQLite's default BINARY collation is already byte order.)
 * A query must spell the expression exactly like this for the planner to use the index.
 */
export function recipientKey(kind: Engine['kind'], column = 'recipient_email'): RawBuilder<string> {
  return kind === 'postgres' ? sql<string>`(lower(${sql.ref(column)}) collate "C")` : sql<string>`lower(${sql.ref(column)})`;
}

/** The first string after every string that starts with `prefix` (byte order: its last code point plus one). */
export function prefixUpperBound(prefix: string): string {
  const points = Array.from(prefix);
  const last = points.pop()!;
  return points.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}
