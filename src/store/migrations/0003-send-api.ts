import type { Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  // The recipient's display name; recipient_email stays the bare address so filters and suppression match it.
  await db.schema.alterTable('outbox_messages').addColumn('recipient_name', 'text').execute();
  await db.schema.createIndex('outbox_project_recipient').on('outbox_messages').columns(['project_id', 'recipient_email']).execute();
  await db.schema.createIndex('users_project_email').on('users').columns(['project_id', 'primary_email']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_project_email').execute();
  await db.schema.dropIndex('outbox_project_recipient').execute();
  await db.schema.alterTable('outbox_messages').dropColumn('recipient_name').execute();
}
