import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function suppressedAmong(db: Kysely<Database>, projectId: string, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('suppressions')
    .select('email')
    .where('project_id', '=', projectId)
    .where('email', 'in', [...new Set(emails.map((e) => e.toLowerCase()))])
    .execute();
  return new Set(rows.map((r) => r.email));
}
