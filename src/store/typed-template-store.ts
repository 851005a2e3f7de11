import type { Kysely, Selectable } from 'kysely';
import type { TemplateType, TypedTemplate, TypedTemplateDetails, TypedTemplateFilter, TypedTemplateStore } from '../core/templates/typed-types.js';
import type { Database, TypedEmailTemplatesTable } from './schema.js';
import { parseJson } from './json.js';

function toTyped(row: Selectable<TypedEmailTemplatesTable>): TypedTemplate {
  return {
    id: row.id,
    tenantId: row.project_id,
    languageTag: row.language_tag,
    templateType: row.template_type as TemplateType,
    details: parseJson<TypedTemplateDetails>(row.details, { subject: '', content: '' }),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function createTypedTemplateStore(db: Kysely<Database>): TypedTemplateStore {
  const filtered = (projectId: string, filter: TypedTemplateFilter) => {
    let query = db.selectFrom('typed_email_templates').selectAll().where('project_id', '=', projectId);
    if (filter.languageTag !== undefined) query = query.where('language_tag', '=', filter.languageTag);
    if (filter.templateType !== undefined) query = query.where('template_type', '=', filter.templateType);
    return query;
  };

  return {
    async upsert(projectId, templates) {
      return db.transaction().execute(async (trx) => {
        const stored: TypedTemplate[] = [];
        for (const t of templates) {
          // Replace details but keep the id and creation time of an existing (languageTag, templateType).
          const row = await trx
            .insertInto('typed_email_templates')
            .values({
              id: t.id,
              project_id: projectId,
              language_tag: t.languageTag,
              template_type: t.templateType,
              details: JSON.stringify(t.details),
              created_at: t.createdAt,
              updated_at: t.updatedAt,
            })
            .onConflict((oc) =>
              oc.columns(['project_id', 'language_tag', 'template_type']).doUpdateSet({ details: JSON.stringify(t.details), updated_at: t.updatedAt }),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
          stored.push(toTyped(row));
        }
        return stored;
      });
    },
    async list(projectId, filter) {
      const rows = await filtered(projectId, filter).orderBy('created_at').orderBy('id').execute();
      return rows.map(toTyped);
    },
    async get(projectId, id) {
      const row = await db.selectFrom('typed_email_templates').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && toTyped(row);
    },
    async findByType(projectId, templateType, languageTags) {
      if (languageTags.length === 0) return [];
      const rows = await filtered(projectId, { templateType }).where('language_tag', 'in', languageTags).execute();
      return rows.map(toTyped);
    },
    async delete(projectId, id) {
      const result = await db.deleteFrom('typed_email_templates').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteWhere(projectId, filter) {
      let query = db.deleteFrom('typed_email_templates').where('project_id', '=', projectId);
      if (filter.languageTag !== undefined) query = query.where('language_tag', '=', filter.languageTag);
      if (filter.templateType !== undefined) query = query.where('template_type', '=', filter.templateType);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async updateDetails(projectId, id, details, updatedAt) {
      const row = await db
        .updateTable('typed_email_templates')
        .set({ details: JSON.stringify(details), updated_at: updatedAt })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTyped(row);
    },
  };
}
