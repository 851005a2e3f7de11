import { CompiledQuery, type Kysely } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../schema.js';

/**
 * Bulk INSERT for the outbox's large accepts (a 100,000-recipient broadcast).
 * Kysely's builder costs more than the database here, so the SQL text is built
 * once per shape and values are bound straight from the rows:
 * - SQLite (raw handle given): one single-row prepared statement, reused for every
 *   row; better-sqlite3 binds wide multi-row statements slowly, and there is no
 *   round trip to save. Must run inside the caller's transaction on that handle.
 * - otherwise (PostgreSQL): `insert ... select * from unnest($1::text[], ...)`,
 *   one array per column, so a statement carries thousands of rows.
 */
const textCache = new Map<string, string>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function singleRowText(table: string, columns: readonly string[]): string {
  const key = `${table}|${columns.join(',')}`;
  let text = textCache.get(key);
  if (!text) {
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map(() => '?').join(',')})`;
    textCache.set(key, text);
  }
  return text;
}

function prepared(raw: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(raw);
  if (!cache) statements.set(raw, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = raw.prepare(text)));
  return statement;
}

export async function bulkInsert<T extends keyof Database>(
  db: Kysely<Database>,
  raw: BetterSqlite3.Database | undefined,
  table: T,
  columns: readonly (keyof Database[T] & string)[],
  rows: readonly unknown[][],
  chunkRows: number,
): Promise<void> {
  if (rows.length === 0) return;
  if (raw) {
    const statement = prepared(raw, singleRowText(table, columns));
    for (const row of rows) statement.run(row);
    return;
  }
  // PostgreSQL: one array parameter per column, unnested into rows; a statement carries thousands of rows.
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) select * from unnest(${columns
    .map((c, i) => `$${i + 1}::${columnTypes[c] ?? 'text'}[]`)
    .join(',')})`;
  for (let i = 0; i < rows.length; i += chunkRows) {
    const chunk = rows.slice(i, i + chunkRows);
    const params = columns.map((_, c) => chunk.map((row) => row[c]));
    await db.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** SQL types of the numeric columns bulk-inserted (everything else is text). */
const columnTypes: Record<string, string> = {
  is_paused: 'integer',
  priority: 'integer',
  transactional: 'integer',
  attempts: 'integer',
  run_at: 'bigint',
  scheduled_at: 'bigint',
  lease_expires_at: 'bigint',
  handed_off_at: 'bigint',
  sent_at: 'bigint',
  created_at: 'bigint',
  updated_at: 'bigint',
  at: 'bigint',
};
