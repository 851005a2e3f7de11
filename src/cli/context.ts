import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../config.js';
import { createCore, type Core } from '../compose.js';
import { createLogger } from '../logger.js';
import { openEngine } from '../store/index.js';

/** A mistake the user can fix: printed as `mailroom: <message>`, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Status lines for people go to stderr, so stdout stays clean for --json and pipes. */
export function note(line: string): void {
  process.stderr.write(`mailroom: ${line}\n`);
}

/** The SQLite file a `sqlite:` URL names (as the store resolves it), or undefined for PostgreSQL and :memory:. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  if (!databaseUrl.startsWith('sqlite:')) return undefined;
  const location = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return location === ':memory:' ? undefined : resolve(location);
}

const hint = 'run `mailroom serve` (or `mailroom migrate`) to create it, or set DATABASE_URL to the database you meant';

/**
 * Only `serve` and `migrate` create a database: every other command opening a
 * missing one would show an empty installation ("no projects") and, worse,
 * hand out keys nobody's server knows.
 */
export async function assertDatabaseExists(databaseUrl: string): Promise<void> {
  const file = sqliteFileOf(databaseUrl);
  if (file !== undefined) {
    if (!existsSync(file)) throw new CliError(`no database at ${file}; ${hint}`);
    return;
  }
  if (databaseUrl.startsWith('sqlite:')) return;
  const engine = await openEngine(databaseUrl);
  try {
    await sql`select 1 from projects where 1 = 0`.execute(engine.db);
  } catch {
    throw new CliError(`no Mailroom tables in ${engine.describe()}; ${hint}`);
  } finally {
    await engine.close();
  }
}

/** Runs a CLI action against an existing database's store and core services, then closes them. */
export async function withCore<T>(action: (core: Core) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await assertDatabaseExists(config.databaseUrl);
  // CLI output is for people; logs below warnings would drown it.
  const core = await createCore(config, { logger: createLogger(process.env.LOG_LEVEL ?? 'warn') });
  note(`database ${core.engine.describe()}`);
  try {
    return await action(core);
  } finally {
    await core.close();
  }
}

/** An unknown project id is an error, not an empty list. */
export async function requireProject(core: Core, projectId: string): Promise<void> {
  if (!(await core.store.projects.getProject(projectId))) throw new CliError(`no project with id ${projectId} in ${core.engine.describe()} (see \`mailroom projects list\`)`);
}

export function print(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}
