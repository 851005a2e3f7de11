import type { Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

export async function up(db: Kysely<any>, dialect: MigrationDialect): Promise<void> {
  // One row per recipient message: the unit of work, and the queue.
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('skip_reason', 'text')
    .addColumn('last_error', 'text')
    .addColumn('is_paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transactional', 'integer', (c) => c.notNull().defaultTo(1))
    // Recipient: a user id (resolved to an address at send time) or an address.
    .addColumn('recipient_user_id', 'text')
    .addColumn('recipient_email', 'text')
    .addColumn('from_address', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('cc', 'text')
    .addColumn('bcc', 'text')
    // Content as given.
    .addColumn('subject', 'text')
    .addColumn('html', 'text')
    .addColumn('text_body', 'text')
    .addColumn('template_id', 'text')
    .addColumn('template_variables', 'text')
    .addColumn('draft_id', 'text')
    .addColumn('headers', 'text')
    .addColumn('tags', 'text')
    .addColumn('attachments', 'text')
    .addColumn('locale', 'text')
    // Content as rendered for this recipient.
    .addColumn('rendered_subject', 'text')
    .addColumn('rendered_html', 'text')
    .addColumn('rendered_text', 'text')
    // Queue state.
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('scheduled_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('handed_off_at', 'bigint')
    .addColumn('message_id_header', 'text')
    .addColumn('smtp_response', 'text')
    .addColumn('smtp_queue_id', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_project_created').on('outbox_messages').columns(['project_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('outbox_project_status').on('outbox_messages').columns(['project_id', 'status']).execute();
  // The claim query scans due, claimable rows in priority order.
  await db.schema.createIndex('outbox_due').on('outbox_messages').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('outbox_batch').on('outbox_messages').column('batch_id').execute();

  // Every status change, with its time and reason: the answer to "what happened?".
  await db.schema
    .createTable('outbox_transitions')
    .addColumn('id', dialect.serial, (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('outbox_messages.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_transitions_message').on('outbox_transitions').columns(['message_id', 'id']).execute();

  // Every hand-over to SMTP, with the server's reply.
  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', dialect.serial, (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('outbox_messages.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('smtp_code', 'integer')
    .addColumn('enhanced_code', 'text')
    .addColumn('response', 'text')
    .execute();
  await db.schema.createIndex('delivery_attempts_message').on('delivery_attempts').columns(['message_id', 'attempt']).execute();

  await db.schema
    .createTable('drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('subject', 'text')
    .addColumn('html', 'text')
    .addColumn('template_id', 'text')
    .addColumn('template_variables', 'text')
    .addColumn('sent_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drafts_project_created').on('drafts').columns(['project_id', 'created_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
    .execute();

  await db.schema
    .createTable('suppressions')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['project_id', 'email'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['suppressions', 'idempotency_keys', 'drafts', 'delivery_attempts', 'outbox_transitions', 'outbox_messages']) {
    await db.schema.dropTable(table).execute();
  }
}
