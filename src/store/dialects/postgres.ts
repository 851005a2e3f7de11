import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../schema.js';
import type { Engine } from '../database.js';

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * `postgres://user:pass@host:port/db[?schema=name]`. The optional schema is
 * created on first use and becomes the search_path, which lets several
 * isolated instances (and tests) share one database.
 */
export function openPostgres(url: string, options: { poolSize?: number } = {}): Engine {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a lowercase SQL identifier`);
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: options.poolSize ?? 10,
    types,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    pool,
    schema,
    capabilities: { skipLocked: true, listenNotify: true, multipleProcesses: true },
    describe: () => `postgres://${parsed.host}${parsed.pathname}${schema ? `?schema=${schema}` : ''}`,
    async prepare() {
      if (!schema) return;
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (error) {
        // Two processes creating the schema at once: the loser sees a unique violation, and the schema exists.
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    },
    close: () => db.destroy(),
  };
}
