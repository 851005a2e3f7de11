import { sql, type Kysely } from 'kysely';
import { finishedStatuses } from '../../core/outbox/lifecycle.js';
import type { Database } from '../schema.js';

/**
 * Bodies, attachments and rendered output of contents created before `before`
 * whose messages are all finished: the metadata stays readable, the bulk goes.
 * One batch of `limit` contents per call (the index on outbox_messages.content_id
 * finds each content's messages).
 */
export async function pruneBodies(db: Kysely<Database>, before: number, now: number, limit: number, dryRun: boolean): Promise<number> {
  const eligible = (q: Kysely<Database>) =>
    q
    .selectFrom('outbox_contents as c')
    .select('c.id')
    .where('c.pruned_at', 'is', null)
    .where('c.created_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('outbox_messages as m').select(sql`1`.as('x')).whereRef('m.content_id', '=', 'c.id').where('m.status', 'not in', [...finishedStatuses]))),
    );
  if (dryRun) {
    const row = await db.selectFrom(eligible(db).as('e')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  return db.transaction().execute(async (trx) => {
    // Read inside the transaction: on SQLite the one connection is the transaction's until it ends.
    const ids = (await eligible(trx).limit(limit).execute()).map((r) => r.id);
    if (ids.length === 0) return 0;
    await trx
      .updateTable('outbox_contents')
      .set({ html: null, text_body: null, attachments: null, template_variables: null, rendered_text: null, pruned_at: now })
      .where('id', 'in', ids)
      .execute();
    await trx.updateTable('outbox_messages').set({ rendered_subject: null, rendered_html: null, rendered_text: null }).where('content_id', 'in', ids).execute();
    return ids.length;
  });
}
