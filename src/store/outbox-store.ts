import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { ContentToInsert, MessageToInsert, OutboxMessage, OutboxStore } from '../core/outbox/types.js';
import type { Database, OutboxContentsTable, OutboxMessagesTable } from './schema.js';
import { jsonOrNull, parseJson } from './json.js';
import { bulkInsert } from './queries/bulk-insert.js';
import { markKeyCommitted } from './queries/mark-key-committed.js';
import { appendEvents } from './queries/append-events.js';
import { toPublicEvent } from '../core/events/public-events.js';
import { loadContents, type AttachmentRef, type LoadedContent } from './queries/load-contents.js';

const emptyContent: LoadedContent = {
  from: null, replyTo: null, subject: null, html: null, text: null, templateId: null, variables: null,
  draftId: null, headers: null, tags: null, attachments: null, renderedText: null,
};

/** A message row joined with its shared content. */
export function toOutboxMessage(row: Selectable<OutboxMessagesTable>, content: LoadedContent = emptyContent): OutboxMessage {
  const n = (v: number | null) => (v === null ? null : Number(v));
  // Handed to SMTP at least once: it was rendered, and what is not kept on the row equalled the content.
  const rendered = Number(row.attempts) > 0;
  return {
    id: row.id,
    contentId: row.content_id,
    projectId: row.project_id,
    source: row.source,
    batchId: row.batch_id,
    status: row.status,
    skipReason: row.skip_reason,
    lastError: row.last_error,
    isPaused: Boolean(row.is_paused),
    priority: Number(row.priority),
    transactional: Boolean(row.transactional),
    recipientUserId: row.recipient_user_id,
    recipientEmail: row.recipient_email,
    recipientName: row.recipient_name,
    from: content.from,
    replyTo: content.replyTo,
    cc: parseJson<string[]>(row.cc, []),
    bcc: parseJson<string[]>(row.bcc, []),
    subject: content.subject,
    html: content.html,
    text: content.text,
    templateId: content.templateId,
    variables: content.variables ?? {},
    draftId: content.draftId,
    headers: content.headers ?? {},
    tags: content.tags ?? {},
    attachments: content.attachments ?? [],
    locale: row.locale,
    // Rendered output is kept per message only where it differs from the shared content (finish-rendering.ts).
    renderedSubject: row.rendered_subject ?? (rendered ? content.subject : null),
    renderedHtml: row.rendered_html ?? (rendered ? content.html : null),
    renderedText: row.rendered_text ?? content.renderedText ?? (rendered ? content.text : null),
    runAt: Number(row.run_at),
    scheduledAt: n(row.scheduled_at),
    attempts: Number(row.attempts),
    handedOffAt: n(row.handed_off_at),
    messageIdHeader: row.message_id_header,
    smtpResponse: row.smtp_response,
    smtpQueueId: row.smtp_queue_id,
    sentAt: n(row.sent_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Message rows of one project, each joined with its shared content (one query for the contents, one for their attachments). */
export async function withContents(db: Kysely<Database>, projectId: string, rows: readonly Selectable<OutboxMessagesTable>[]): Promise<OutboxMessage[]> {
  if (rows.length === 0) return [];
  const contents = await loadContents(db, projectId, rows.map((r) => r.content_id));
  return rows.map((r) => toOutboxMessage(r, contents.get(r.content_id)));
}

function messageRow(projectId: string, m: MessageToInsert, now: number): Insertable<OutboxMessagesTable> {
  return {
    id: m.id,
    project_id: projectId,
    content_id: m.contentId,
    source: m.source,
    batch_id: m.batchId,
    status: m.status,
    priority: m.priority,
    transactional: m.transactional ? 1 : 0,
    recipient_user_id: 'userId' in m.recipient ? m.recipient.userId : null,
    recipient_email: 'email' in m.recipient ? m.recipient.email : null,
    recipient_name: m.recipientName,
    cc: m.cc.length ? JSON.stringify(m.cc) : null,
    bcc: m.bcc.length ? JSON.stringify(m.bcc) : null,
    locale: m.locale,
    run_at: m.runAt,
    scheduled_at: m.scheduledAt,
    message_id_header: m.messageIdHeader,
    created_at: now,
    updated_at: now,
  };
}

/** The attachments of a content as refs, and their blobs (keyed by hash, so identical bytes are written once). */
function splitAttachments(c: ContentToInsert, blobs: Map<string, { content: string; size: number }>): string | null {
  if (!c.attachments?.length) return null;
  const refs: AttachmentRef[] = c.attachments.map((a) => {
    const bytes = Buffer.from(a.content, 'base64');
    const hash = createHash('sha256').update(bytes).digest('hex');
    blobs.set(hash, { content: a.content, size: bytes.length });
    return {
      filename: a.filename,
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
      hash,
      size: bytes.length,
    };
  });
  return JSON.stringify(refs);
}

function contentRow(projectId: string, c: ContentToInsert, attachments: string | null, now: number): Insertable<OutboxContentsTable> {
  return {
    id: c.id,
    project_id: projectId,
    from_address: c.from,
    reply_to: c.replyTo,
    subject: c.subject,
    html: c.html,
    text_body: c.text,
    template_id: c.templateId,
    template_variables: c.variables && Object.keys(c.variables).length ? JSON.stringify(c.variables) : null,
    draft_id: c.draftId,
    headers: jsonOrNull(c.headers),
    tags: jsonOrNull(c.tags),
    attachments,
    created_at: now,
  };
}

/** Rows per statement on PostgreSQL (one array parameter per column). */
const insertChunk = 5000;
const transitionChunk = 20000;

/** Columns null in every row are left to their default: fewer values to bind per row. */
function usedColumns<T extends object>(rows: readonly T[]): Array<keyof T & string> {
  return (Object.keys(rows[0] ?? {}) as Array<keyof T & string>).filter((c) => rows.some((r) => r[c] !== null && r[c] !== undefined));
}

export function createOutboxStore(db: Kysely<Database>, raw?: BetterSqlite3.Database): OutboxStore {
  return {
    async insertMessages(projectId, contents, messages, now, idempotencyKey) {
      await db.transaction().execute(async (trx) => {
        if (idempotencyKey !== undefined) await markKeyCommitted(trx, projectId, idempotencyKey);
        const blobs = new Map<string, { content: string; size: number }>();
        const contentRows = contents.map((c) => contentRow(projectId, c, splitAttachments(c, blobs), now));
        if (blobs.size > 0) {
          await trx
            .insertInto('attachment_blobs')
            .values([...blobs].map(([hash, b]) => ({ project_id: projectId, hash, content: b.content, size: b.size, created_at: now })))
            .onConflict((oc) => oc.columns(['project_id', 'hash']).doNothing())
            .execute();
        }
        const contentColumns = usedColumns(contentRows);
        await bulkInsert(trx, raw, 'outbox_contents', contentColumns, contentRows.map((r) => contentColumns.map((c) => r[c])), insertChunk);
        const rows = messages.map((m) => messageRow(projectId, m, now));
        const columns = usedColumns(rows);
        await bulkInsert(trx, raw, 'outbox_messages', columns, rows.map((r) => columns.map((c) => r[c])), insertChunk);
        await bulkInsert(trx, raw, 'outbox_transitions', ['message_id', 'status', 'reason', 'at'], messages.map((m) => [m.id, m.status, null, now]), transitionChunk);
        // The messages' first EMAIL_STATUS events commit with them (transactional outbox).
        await appendEvents(
          trx,
          messages.map((m) => toPublicEvent('email:status', { projectId, messageId: m.id, status: m.status, reason: null, at: now })),
          now,
        );
      });
    },

    async getMessage(projectId, id) {
      const row = await db.selectFrom('outbox_messages').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && (await withContents(db, projectId, [row]))[0];
    },
  };
}
