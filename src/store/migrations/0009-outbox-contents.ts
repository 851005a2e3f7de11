import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { MigrationDialect } from './dialect.js';

/** The content columns that move from each message to the shared content row. */
const moved = ['from_address', 'reply_to', 'subject', 'html', 'text_body', 'template_id', 'template_variables', 'draft_id', 'headers', 'tags', 'attachments'] as const;
const page = 500;

interface StoredAttachment {
  filename: string;
  content: string;
  contentType?: string;
}

/**
 * Content stored once: what a send request shares moves to `outbox_contents`
 * (one row per request), attachment bytes to `attachment_blobs` (once per
 * project and content hash), and each message keeps only its own data and a
 * `content_id`. Existing messages each get a content row with their own id.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await db.schema
    .createTable('outbox_contents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('from_address', 'text')
    .addColumn('reply_to', 'text')
    .addColumn('subject', 'text')
    .addColumn('html', 'text')
    .addColumn('text_body', 'text')
    .addColumn('template_id', 'text')
    .addColumn('template_variables', 'text')
    .addColumn('draft_id', 'text')
    .addColumn('headers', 'text')
    .addColumn('tags', 'text')
    .addColumn('attachments', 'text')
    .addColumn('rendered_text', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('pruned_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbox_contents_project_created').on('outbox_contents').columns(['project_id', 'created_at']).execute();
  await db.schema
    .createTable('attachment_blobs')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_blobs_pk', ['project_id', 'hash'])
    .execute();
  await db.schema.alterTable('outbox_messages').addColumn('content_id', 'text').execute();

  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('outbox_messages')
      .select(['id', 'project_id', 'created_at', ...moved])
      .where('id', '>', after)
      .orderBy('id')
      .limit(page)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      let attachments: string | null = null;
      if (row.attachments) {
        let list: StoredAttachment[] = [];
        try {
          list = JSON.parse(row.attachments as string) as StoredAttachment[];
        } catch {
          list = [];
        }
        const refs = [];
        for (const a of list) {
          const bytes = Buffer.from(a.content, 'base64');
          const hash = createHash('sha256').update(bytes).digest('hex');
          await db
            .insertInto('attachment_blobs')
            .values({ project_id: row.project_id, hash, content: a.content, size: bytes.length, created_at: row.created_at })
            .onConflict((oc) => oc.columns(['project_id', 'hash']).doNothing())
            .execute();
          refs.push({ filename: a.filename, ...(a.contentType ? { contentType: a.contentType } : {}), hash, size: bytes.length });
        }
        attachments = refs.length ? JSON.stringify(refs) : null;
      }
      const values = Object.fromEntries(moved.map((c) => [c, row[c] ?? null]));
      await db
        .insertInto('outbox_contents')
        .values({ ...values, attachments, id: row.id, project_id: row.project_id, created_at: row.created_at })
        .execute();
    }
    after = rows[rows.length - 1]!.id as string;
  }
  await db.updateTable('outbox_messages').set((eb) => ({ content_id: eb.ref('id') })).execute();
  for (const column of moved) await db.schema.alterTable('outbox_messages').dropColumn(column).execute();
  // Retention finds a content's messages through it.
  await db.schema.createIndex('outbox_content').on('outbox_messages').column('content_id').execute();
}
