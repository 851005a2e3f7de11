import type { Kysely } from 'kysely';

/**
 * A message's first history entry (the status it was accepted in, at
 * created_at) is kept on its row instead of as an outbox_transitions row: a
 * 100,000-recipient broadcast writes 100,000 fewer rows and index entries.
 * Messages accepted earlier keep their transition row and a null column.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_messages').addColumn('accepted_status', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_messages').dropColumn('accepted_status').execute();
}
