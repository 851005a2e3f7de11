import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Keeps a live worker's rows leased while a slow batch is still with SMTP, so recovery never resends them. */
export async function extendLeases(db: Kysely<Database>, owner: string, until: number): Promise<number> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ lease_expires_at: until })
    .where('lease_owner', '=', owner)
    .where('status', 'in', ['rendering', 'sending'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
