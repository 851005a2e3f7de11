import type { Kysely } from 'kysely';
import { comparableEmail } from '../../core/addresses.js';
import type { Database } from '../schema.js';

/** The canonical forms (see core/addresses) of those of `emails` the project suppresses. */
export async function suppressedAmong(db: Kysely<Database>, projectId: string, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('suppressions')
    .select('email')
    .where('project_id', '=', projectId)
    .where('email', 'in', [...new Set(emails.map(comparableEmail))])
    .execute();
  return new Set(rows.map((r) => r.email));
}
