import type { Kysely } from 'kysely';

/**
 * Status events that differ only in the message id are stored as one span row
 * (queries/append-events.ts): `first_id` is the span's first event id, `id`
 * its last. Existing rows are single events (`first_id` null).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').addColumn('first_id', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('first_id').execute();
}
