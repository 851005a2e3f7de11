import type { Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  // The capture transport's mailbox: kept in the database so any process (API, CLI) can read it.
  await db.schema
    .createTable('captured_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('outbox_message_id', 'text')
    .addColumn('message_id_header', 'text')
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('captured_project_created').on('captured_messages').columns(['project_id', 'created_at']).execute();

  // Token buckets shared by every worker process (per-project messages per second).
  // Tokens are counted in thousandths so the column stays an integer on both engines.
  await db.schema
    .createTable('rate_limit_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('milli_tokens', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Connection slots per SMTP relay, leased by processes, so a connection cap holds across all of them.
  await db.schema
    .createTable('transport_slots')
    .addColumn('transport_key', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('transport_slots_pk', ['transport_key', 'slot'])
    .execute();

  // The claim walks one project's queued rows in claim order (priority first), stopping after the batch.
  await db.schema
    .createIndex('outbox_claim')
    .on('outbox_messages')
    .columns(['project_id', 'status', 'priority desc', 'run_at'])
    .execute();
  // Lease recovery needs no index of its own: in-flight rows are few, and outbox_due (status, ...) finds them.
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_claim').execute();
  await db.schema.dropTable('transport_slots').execute();
  await db.schema.dropTable('rate_limit_buckets').execute();
  await db.schema.dropTable('captured_messages').execute();
}
