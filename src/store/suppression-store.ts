import type { Kysely, Selectable } from 'kysely';
import type { Suppression, SuppressionReason, SuppressionStore } from '../core/suppressions/types.js';
import type { Database, SuppressionsTable } from './schema.js';

function toSuppression(row: Selectable<SuppressionsTable>): Suppression {
  return { projectId: row.project_id, email: row.email, reason: row.reason as SuppressionReason, detail: row.detail, createdAt: Number(row.created_at) };
}

export function createSuppressionStore(db: Kysely<Database>): SuppressionStore {
  return {
    async list(projectId, { limit, after }) {
      let query = db.selectFrom('suppressions').selectAll().where('project_id', '=', projectId);
      if (after !== undefined) query = query.where('email', '>', after);
      return (await query.orderBy('email').limit(limit).execute()).map(toSuppression);
    },
    async get(projectId, email) {
      const row = await db.selectFrom('suppressions').selectAll().where('project_id', '=', projectId).where('email', '=', email).executeTakeFirst();
      return row && toSuppression(row);
    },
    async put(entry) {
      await db
        .insertInto('suppressions')
        .values({ project_id: entry.projectId, email: entry.email, reason: entry.reason, detail: entry.detail, created_at: entry.createdAt })
        .onConflict((oc) => oc.columns(['project_id', 'email']).doUpdateSet({ reason: entry.reason, detail: entry.detail, created_at: entry.createdAt }))
        .execute();
    },
    async remove(projectId, email) {
      const result = await db.deleteFrom('suppressions').where('project_id', '=', projectId).where('email', '=', email).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
