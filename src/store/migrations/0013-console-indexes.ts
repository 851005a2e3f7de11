import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

/**
 * Indexes the console reads on, without adding one to the insert path:
 * - `outbox_project_created` gains `status` as a last column, so the overview's
 *   hourly counts by status read the index alone (no row per message);
 * - `outbox_project_recipient` becomes `outbox_recipient_lower` on the lower-cased
 *   address in byte order (see recipient-key.ts), then created_at and id: it serves
 *   whole-address lookups and "address starts with" searches on both engines, and
 *   finds the newest matches of a common prefix from the index alone.
 */
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  await db.schema.dropIndex('outbox_project_created').execute();
  await db.schema.createIndex('outbox_project_created').on('outbox_messages').columns(['project_id', 'created_at', 'id', 'status']).execute();
  await db.schema.dropIndex('outbox_project_recipient').execute();
  const key = dialect.serial === 'bigserial' ? sql`(lower(recipient_email) collate "C")` : sql`(lower(recipient_email))`;
  await sql`create index outbox_recipient_lower on outbox_messages (project_id, ${key}, created_at, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_recipient_lower').execute();
  await db.schema.createIndex('outbox_project_recipient').on('outbox_messages').columns(['project_id', 'recipient_email']).execute();
  await db.schema.dropIndex('outbox_project_created').execute();
  await db.schema.createIndex('outbox_project_created').on('outbox_messages').columns(['project_id', 'created_at', 'id']).execute();
}
