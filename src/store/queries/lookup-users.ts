import type { Kysely } from 'kysely';
import type { RecipientUser } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

/** The recipients' current primary addresses, read at send time. */
export async function lookupUsers(db: Kysely<Database>, projectId: string, ids: readonly string[]): Promise<Map<string, RecipientUser>> {
  const found = new Map<string, RecipientUser>();
  if (ids.length === 0) return found;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'primary_email', 'locale', 'display_name'])
    .where('project_id', '=', projectId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  for (const r of rows) found.set(r.id, { id: r.id, primaryEmail: r.primary_email, locale: r.locale, displayName: r.display_name });
  return found;
}
