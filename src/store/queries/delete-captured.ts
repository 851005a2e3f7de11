import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Deletes one captured message, or every one of the project's when `id` is undefined. */
export async function deleteCaptured(db: Kysely<Database>, projectId: string, id: string | undefined): Promise<number> {
  let query = db.deleteFrom('captured_messages').where('project_id', '=', projectId);
  if (id !== undefined) query = query.where('id', '=', id);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
