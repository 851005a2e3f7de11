import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

/**
 * Less written per accepted message (a 100,000-recipient broadcast writes every
 * index entry 100,000 times):
 * - `outbox_recipient_lower` keeps only (project_id, lower-cased address): whole-address
 *   and "starts with" lookups are still one index range; the newest matches are then
 *   sorted from their rows instead of from extra index columns. The two dropped columns
 *   (created_at and a 36-character id) were ~40% of its entries, and on PostgreSQL the
 *   index filled its pages half (addresses arrive in no order), ~250 bytes per message.
 * - PostgreSQL: the foreign key from outbox_messages.project_id to projects goes. Its check
 *   is a trigger per inserted row taking a share lock on the project row, measured at ~40%
 *   of a bulk insert; every project_id comes from an authenticated key's project and
 *   projects are never deleted. (SQLite checks a foreign key with one primary-key lookup,
 *   and dropping it there would mean rebuilding the table: it stays.)
 */
export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  const postgres = dialect.serial === 'bigserial';
  await db.schema.dropIndex('outbox_recipient_lower').execute();
  const key = postgres ? sql`(lower(recipient_email) collate "C")` : sql`(lower(recipient_email))`;
  await sql`create index outbox_recipient_lower on outbox_messages (project_id, ${key})`.execute(db);
  if (postgres) await sql`alter table outbox_messages drop constraint if exists outbox_messages_project_id_fkey`.execute(db);
}
