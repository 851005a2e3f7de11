import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Attachment blobs that no content of their project lists any more (contents list blobs by hash). */
export async function pruneBlobs(db: Kysely<Database>, limit: number, dryRun: boolean): Promise<number> {
  const orphans = (q: Kysely<Database>) =>
    q
    .selectFrom('attachment_blobs as b')
    .select(['b.project_id', 'b.hash'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox_contents as c')
            .select(sql`1`.as('x'))
            .whereRef('c.project_id', '=', 'b.project_id')
            .where('c.attachments', 'is not', null)
            .where(sql<boolean>`c.attachments like '%' || b.hash || '%'`),
        ),
      ),
    );
  if (dryRun) {
    const row = await db.selectFrom(orphans(db).as('o')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
  return db.transaction().execute(async (trx) => {
    const rows = await orphans(trx).limit(limit).execute();
    for (const r of rows) await trx.deleteFrom('attachment_blobs').where('project_id', '=', r.project_id).where('hash', '=', r.hash).execute();
    return rows.length;
  });
}
