import { sql, type Kysely } from 'kysely';

/**
 * What a send shares beyond its content moves to the content row, so a
 * 100,000-recipient broadcast stores it once instead of on every message:
 * - `batch_id` moves from each message to its content (one send's messages
 *   always share their batch; an edited message's own content copy keeps it);
 * - the Message-ID is no longer stored per message: a client's one (SMTP ingest)
 *   is kept once on the content, otherwise it is `<id@message_id_domain>`, the
 *   domain stored with the content so every retry sends the same header.
 *   Messages accepted before keep their stored `message_id_header`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox_contents').addColumn('batch_id', 'text').execute();
  await db.schema.alterTable('outbox_contents').addColumn('message_id_header', 'text').execute();
  await db.schema.alterTable('outbox_contents').addColumn('message_id_domain', 'text').execute();
  await sql`update outbox_contents set batch_id = (
      select m.batch_id from outbox_messages m where m.content_id = outbox_contents.id and m.batch_id is not null limit 1)
    where exists (select 1 from outbox_messages m where m.content_id = outbox_contents.id and m.batch_id is not null)`.execute(db);
  await db.schema.alterTable('outbox_messages').dropColumn('batch_id').execute();
}
