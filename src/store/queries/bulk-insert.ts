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
 * - otherwise (PostgreSQL): multi-row statements, to save round trips.
 */
const textCache = new Map<string, string>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function insertText(numbered: boolean, table: string, columns: readonly string[], rows: number): string {
  const key = `${numbered}|${table}|${columns.join(',')}|${rows}`;
  let text = textCache.get(key);
  if (!text) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (numbered ? `$${++n}` : '?')).join(',')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${Array.from({ length: rows }, tuple).join(',')}`;
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
    const statement = prepared(raw, insertText(false, table, columns, 1));
    for (const row of rows) statement.run(row);
    return;
  }
  for (let i = 0; i < rows.length; i += chunkRows) {
    const chunk = rows.slice(i, i + chunkRows);
    const params: unknown[] = [];
    for (const row of chunk) for (const value of row) params.push(value);
    await db.executeQuery(CompiledQuery.raw(insertText(true, table, columns, chunk.length), params));
  }
}
