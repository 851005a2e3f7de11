import { sql, type Kysely } from 'kysely';
import { finishedStatuses } from '../../core/outbox/lifecycle.js';
import type { Database } from '../schema.js';

/**
 * Finished messages last changed before `before`, with their transitions and
 * attempts, then the contents no message references any more. One batch per call.
 */
export async function pruneMessages(db: Kysely<Database>, before: number, limit: number, dryRun: boolean): Promise<number> {
  const eligible = db.selectFrom('outbox_messages').select('id').where('status', 'in', [...finishedStatuses]).where('updated_at', '<', before);
  if (dryRun) {
    const row = await db.selectFrom(eligible.as('e')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('outbox_messages').select(['id', 'content_id']).where('status', 'in', [...finishedStatuses]).where('updated_at', '<', before).limit(limit).execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    await trx.deleteFrom('outbox_transitions').where('message_id', 'in', ids).execute();
    await trx.deleteFrom('delivery_attempts').where('message_id', 'in', ids).execute();
    await trx.deleteFrom('outbox_messages').where('id', 'in', ids).execute();
    const contents = [...new Set(rows.map((r) => r.content_id))];
    await trx
      .deleteFrom('outbox_contents')
      .where('id', 'in', contents)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('outbox_messages as m').select(sql`1`.as('x')).whereRef('m.content_id', '=', 'outbox_contents.id'))))
      .execute();
    return ids.length;
  });
}
