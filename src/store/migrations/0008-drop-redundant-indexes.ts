import type { Kysely } from 'kysely';

/**
 * Every index costs each of a broadcast's 100,000 inserts. `outbox_claim`
 * (project_id, status, priority, run_at) already serves every lookup by
 * (project_id, status), and nothing queries by batch_id alone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_project_status').execute();
  await db.schema.dropIndex('outbox_batch').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_project_status').on('outbox_messages').columns(['project_id', 'status']).execute();
  await db.schema.createIndex('outbox_batch').on('outbox_messages').column('batch_id').execute();
}
