import type { Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  // Reusable pieces of HTML (headers, footers, buttons) placed in templates with `{{ block:uuid }}`.
  await db.schema
    .createTable('email_blocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_blocks_project').on('email_blocks').columns(['project_id', 'created_at']).execute();

  // Seed 002 templates: subject and body with text keys, blocks and parameters; translations as JSON.
  await db.schema
    .createTable('email_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('translations', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('parameters', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('inline_css', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Names are unique per project so a send can name a template instead of its uuid.
  await db.schema.createIndex('email_templates_project_name').on('email_templates').columns(['project_id', 'name']).unique().execute();

  // Which blocks a template uses: deleting a used block is refused (409); the foreign key backs that up.
  await db.schema
    .createTable('email_template_blocks')
    .addColumn('template_id', 'text', (c) => c.notNull().references('email_templates.id').onDelete('cascade'))
    .addColumn('block_id', 'text', (c) => c.notNull().references('email_blocks.id'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_template_blocks_pk', ['template_id', 'block_id'])
    .execute();
  await db.schema.createIndex('email_template_blocks_block').on('email_template_blocks').column('block_id').execute();

  // Seed 004 typed templates: one per (project, languageTag, templateType).
  await db.schema
    .createTable('typed_email_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('language_tag', 'text', (c) => c.notNull())
    .addColumn('template_type', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('typed_email_templates_key')
    .on('typed_email_templates')
    .columns(['project_id', 'language_tag', 'template_type'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('typed_email_templates').execute();
  await db.schema.dropTable('email_template_blocks').execute();
  await db.schema.dropTable('email_templates').execute();
  await db.schema.dropTable('email_blocks').execute();
}
