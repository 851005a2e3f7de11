import type { Kysely, Selectable } from 'kysely';
import type { Draft, DraftStore } from '../core/drafts/types.js';
import type { Database, DraftsTable } from './schema.js';
import { parseJson } from './json.js';

function toDraft(row: Selectable<DraftsTable>): Draft {
  return {
    id: row.id,
    projectId: row.project_id,
    displayName: row.name,
    subject: row.subject,
    html: row.html,
    templateId: row.template_id,
    variables: parseJson<Record<string, unknown>>(row.template_variables, {}),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function createDraftStore(db: Kysely<Database>): DraftStore {
  return {
    async insertDraft(d) {
      await db
        .insertInto('drafts')
        .values({
          id: d.id,
          project_id: d.projectId,
          name: d.displayName,
          subject: d.subject,
          html: d.html,
          template_id: d.templateId,
          template_variables: JSON.stringify(d.variables),
          sent_at: d.sentAt,
          created_at: d.createdAt,
          updated_at: d.updatedAt,
        })
        .execute();
    },

    async getDraft(projectId, id) {
      const row = await db.selectFrom('drafts').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && toDraft(row);
    },

    async listDrafts(projectId) {
      const rows = await db.selectFrom('drafts').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toDraft);
    },

    async updateDraft(projectId, id, f, at) {
      const row = await db
        .updateTable('drafts')
        .set({
          ...(f.displayName !== undefined ? { name: f.displayName } : {}),
          ...(f.subject !== undefined ? { subject: f.subject } : {}),
          ...(f.html !== undefined ? { html: f.html } : {}),
          ...(f.templateId !== undefined ? { template_id: f.templateId } : {}),
          ...(f.variables !== undefined ? { template_variables: JSON.stringify(f.variables ?? {}) } : {}),
          updated_at: at,
        })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toDraft(row);
    },

    async deleteDraft(projectId, id) {
      const result = await db.deleteFrom('drafts').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async markSent(projectId, id, at) {
      await db.updateTable('drafts').set({ sent_at: at, updated_at: at }).where('project_id', '=', projectId).where('id', '=', id).execute();
    },
  };
}
