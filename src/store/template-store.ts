import type { Kysely, Selectable, Transaction } from 'kysely';
import type { EmailBlock, EmailTemplate, TemplateStore, TemplateWrite, Translations } from '../core/templates/types.js';
import type { Database, EmailBlocksTable, EmailTemplatesTable } from './schema.js';
import { parseJson } from './json.js';
import { appendEvents } from './queries/append-events.js';
import { toPublicEvent } from '../core/events/public-events.js';

function toBlock(row: Selectable<EmailBlocksTable>): EmailBlock {
  return {
    uuid: row.id,
    projectId: row.project_id,
    name: row.name,
    content: row.content,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toTemplate(row: Selectable<EmailTemplatesTable>, blocks: string[]): EmailTemplate {
  return {
    uuid: row.id,
    projectId: row.project_id,
    name: row.name,
    blocks,
    subject: row.subject,
    body: row.body,
    translations: parseJson<Translations>(row.translations, {}),
    parameters: parseJson<string[]>(row.parameters, []),
    inlineCss: Boolean(row.inline_css),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function templateRow(t: EmailTemplate): EmailTemplatesTable {
  return {
    id: t.uuid,
    project_id: t.projectId,
    name: t.name,
    subject: t.subject,
    body: t.body,
    translations: JSON.stringify(t.translations),
    parameters: JSON.stringify(t.parameters),
    inline_css: t.inlineCss ? 1 : 0,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

/** Constraint violations on either engine (SQLite codes, PostgreSQL SQLSTATE). */
function violation(error: unknown): 'unique' | 'foreign-key' | undefined {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return 'unique';
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return 'foreign-key';
  return undefined;
}

/** A write racing a block delete or a name change is refused, not a 500. */
async function templateWrite(write: () => Promise<void>): Promise<TemplateWrite> {
  try {
    await write();
    return 'ok';
  } catch (error) {
    const kind = violation(error);
    if (kind === 'unique') return 'name-taken';
    if (kind === 'foreign-key') return 'block-missing';
    throw error;
  }
}

export function createTemplateStore(db: Kysely<Database>): TemplateStore {
  async function blockRefs(projectId: string, templateIds: readonly string[]): Promise<Map<string, string[]>> {
    const refs = new Map<string, string[]>();
    if (templateIds.length === 0) return refs;
    const rows = await db
      .selectFrom('email_template_blocks')
      .select(['template_id', 'block_id'])
      .where('project_id', '=', projectId)
      .where('template_id', 'in', templateIds)
      .orderBy('block_id')
      .execute();
    for (const row of rows) {
      const list = refs.get(row.template_id) ?? [];
      list.push(row.block_id);
      refs.set(row.template_id, list);
    }
    return refs;
  }

  async function writeRefs(trx: Transaction<Database>, t: EmailTemplate): Promise<void> {
    await trx.deleteFrom('email_template_blocks').where('template_id', '=', t.uuid).execute();
    if (t.blocks.length > 0) {
      await trx
        .insertInto('email_template_blocks')
        .values(t.blocks.map((block_id) => ({ template_id: t.uuid, block_id, project_id: t.projectId })))
        .execute();
    }
  }

  async function withTemplates(projectId: string, rows: Selectable<EmailTemplatesTable>[]): Promise<EmailTemplate[]> {
    const refs = await blockRefs(projectId, rows.map((r) => r.id));
    return rows.map((row) => toTemplate(row, refs.get(row.id) ?? []));
  }

  return {
    async listBlocks(projectId) {
      const rows = await db.selectFrom('email_blocks').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toBlock);
    },
    async getBlock(projectId, uuid) {
      const row = await db.selectFrom('email_blocks').selectAll().where('project_id', '=', projectId).where('id', '=', uuid).executeTakeFirst();
      return row && toBlock(row);
    },
    async getBlocks(projectId, uuids) {
      if (uuids.length === 0) return [];
      const rows = await db.selectFrom('email_blocks').selectAll().where('project_id', '=', projectId).where('id', 'in', uuids).execute();
      return rows.map(toBlock);
    },
    async insertBlock(block) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('email_blocks')
          .values({ id: block.uuid, project_id: block.projectId, name: block.name, content: block.content, created_at: block.createdAt, updated_at: block.updatedAt })
          .execute();
        await appendEvents(trx, [toPublicEvent('block:add', block)], block.updatedAt ?? block.createdAt);
      });
    },
    async updateBlock(block) {
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('email_blocks')
          .set({ name: block.name, content: block.content, updated_at: block.updatedAt })
          .where('project_id', '=', block.projectId)
          .where('id', '=', block.uuid)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) > 0) await appendEvents(trx, [toPublicEvent('block:update', block)], block.updatedAt ?? block.createdAt);
      });
    },
    async deleteBlock(projectId, uuid) {
      const usedBy = async () =>
        (await db.selectFrom('email_template_blocks').select('template_id').where('block_id', '=', uuid).where('project_id', '=', projectId).execute()).map(
          (u) => u.template_id,
        );
      const users = await usedBy();
      if (users.length > 0) return { deleted: false, usedBy: users };
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await trx.deleteFrom('email_blocks').where('project_id', '=', projectId).where('id', '=', uuid).returningAll().executeTakeFirst();
          if (row) await appendEvents(trx, [toPublicEvent('block:delete', toBlock(row))], Date.now());
          return { deleted: row !== undefined, usedBy: [] };
        });
      } catch (error) {
        // A template started using the block between the check and the delete: the foreign key refused it.
        if (violation(error) === 'foreign-key') return { deleted: false, usedBy: await usedBy() };
        throw error;
      }
    },
    async templatesUsingBlock(projectId, uuid) {
      const rows = await db.selectFrom('email_template_blocks').select('template_id').where('block_id', '=', uuid).where('project_id', '=', projectId).execute();
      return rows.map((r) => r.template_id);
    },

    async listTemplates(projectId) {
      const rows = await db.selectFrom('email_templates').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
      return withTemplates(projectId, rows);
    },
    async getTemplate(projectId, uuid) {
      const row = await db.selectFrom('email_templates').selectAll().where('project_id', '=', projectId).where('id', '=', uuid).executeTakeFirst();
      return row && (await withTemplates(projectId, [row]))[0];
    },
    async getTemplateByName(projectId, name) {
      const row = await db.selectFrom('email_templates').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
      return row && (await withTemplates(projectId, [row]))[0];
    },
    insertTemplate(template) {
      return templateWrite(() =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('email_templates').values(templateRow(template)).execute();
          await writeRefs(trx, template);
          await appendEvents(trx, [toPublicEvent('template:add', template)], template.updatedAt ?? template.createdAt);
        }),
      );
    },
    updateTemplate(template) {
      const { id: _id, project_id: _p, created_at: _c, ...changes } = templateRow(template);
      return templateWrite(() =>
        db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('email_templates')
            .set(changes)
            .where('project_id', '=', template.projectId)
            .where('id', '=', template.uuid)
            .executeTakeFirst();
          await writeRefs(trx, template);
          if (Number(result.numUpdatedRows) > 0) await appendEvents(trx, [toPublicEvent('template:update', template)], template.updatedAt ?? template.createdAt);
        }),
      );
    },
    async deleteTemplate(projectId, uuid) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.deleteFrom('email_templates').where('project_id', '=', projectId).where('id', '=', uuid).returningAll().executeTakeFirst();
        if (!row) return false;
        await appendEvents(trx, [toPublicEvent('template:delete', toTemplate(row, []))], Date.now());
        return true;
      });
    },
  };
}
