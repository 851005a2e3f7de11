import { createHash } from 'node:crypto';
import type { Insertable, Kysely, Selectable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { messageIdFor } from '../core/outbox/message-id.js';
import type { ContentToInsert, MessageToInsert, OutboxMessage, OutboxStore, SendToInsert } from '../core/outbox/types.js';
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
  batchId: null, messageIdHeader: null, messageIdDomain: null,
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
    batchId: content.batchId,
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
    // Stored per message only before migration 0014; since then it comes from the content.
    messageIdHeader: row.message_id_header ?? content.messageIdHeader ?? (content.messageIdDomain ? messageIdFor(row.id, content.messageIdDomain) : null),
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

type MessageColumn = keyof OutboxMessagesTable & string;

/**
 * The columns of a new message and where each value comes from: the send (shared by all its
 * messages) or the recipient's own part. Built straight into bind arrays: a broadcast makes
 * 100,000 of them, and an object per row first doubled the garbage.
 */
const messageColumns: ReadonlyArray<readonly [MessageColumn, (s: SendToInsert, m: MessageToInsert, projectId: string, now: number) => unknown]> = [
  ['id', (_, m) => m.id],
  ['project_id', (_s, _m, projectId) => projectId],
  ['content_id', (s) => s.content.id],
  ['source', (s) => s.send.source],
  ['status', (s) => s.status],
  ['accepted_status', (s) => s.status],
  ['priority', (s) => s.send.priority],
  ['transactional', (s) => (s.send.transactional ? 1 : 0)],
  ['recipient_user_id', (_, m) => ('userId' in m.recipient ? m.recipient.userId : null)],
  ['recipient_email', (_, m) => ('email' in m.recipient ? m.recipient.email : null)],
  ['recipient_name', (_, m) => m.recipientName],
  ['cc', (_, m) => (m.cc.length ? JSON.stringify(m.cc) : null)],
  ['bcc', (_, m) => (m.bcc.length ? JSON.stringify(m.bcc) : null)],
  ['locale', (_, m) => m.locale],
  ['run_at', (s) => s.runAt],
  ['scheduled_at', (s) => s.send.scheduledAt],
  ['created_at', (_s, _m, _p, now) => now],
  ['updated_at', (_s, _m, _p, now) => now],
];

/**
 * The sends' message rows as bind arrays, each value computed once; columns null in every row are
 * left out (to their default): fewer values to bind per row.
 */
function messageRows(sends: readonly SendToInsert[], projectId: string, now: number): { columns: MessageColumn[]; rows: unknown[][] } {
  const used = messageColumns.map(() => false);
  const rows: unknown[][] = [];
  for (const s of sends) {
    for (const m of s.messages) {
      const row = new Array<unknown>(messageColumns.length);
      for (let c = 0; c < messageColumns.length; c++) {
        row[c] = messageColumns[c]![1](s, m, projectId, now);
        if (row[c] !== null) used[c] = true;
      }
      rows.push(row);
    }
  }
  const columns = messageColumns.flatMap(([name], c) => (used[c] ? [name] : []));
  if (columns.length === messageColumns.length) return { columns, rows };
  return { columns, rows: rows.map((row) => row.filter((_, c) => used[c])) };
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

function contentRow(projectId: string, send: SendToInsert, attachments: string | null, now: number): Insertable<OutboxContentsTable> {
  const c = send.content;
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
    batch_id: send.send.batchId,
    message_id_header: send.send.messageIdHeader,
    message_id_domain: send.send.messageIdHeader ? null : send.messageIdDomain,
    created_at: now,
  };
}

/** Rows per statement on PostgreSQL (one array parameter per column). */
const insertChunk = 5000;

/** Columns null in every row are left to their default: fewer values to bind per row. */
function usedColumns<T extends object>(rows: readonly T[]): Array<keyof T & string> {
  return (Object.keys(rows[0] ?? {}) as Array<keyof T & string>).filter((c) => rows.some((r) => r[c] !== null && r[c] !== undefined));
}

export function createOutboxStore(db: Kysely<Database>, raw?: BetterSqlite3.Database): OutboxStore {
  return {
    async insertMessages(projectId, sends, now, idempotencyKey) {
      await db.transaction().execute(async (trx) => {
        if (idempotencyKey !== undefined) await markKeyCommitted(trx, projectId, idempotencyKey);
        const blobs = new Map<string, { content: string; size: number }>();
        const contentRows = sends.map((s) => contentRow(projectId, s, splitAttachments(s.content, blobs), now));
        if (blobs.size > 0) {
          await trx
            .insertInto('attachment_blobs')
            .values([...blobs].map(([hash, b]) => ({ project_id: projectId, hash, content: b.content, size: b.size, created_at: now })))
            .onConflict((oc) => oc.columns(['project_id', 'hash']).doNothing())
            .execute();
        }
        const contentColumns = usedColumns(contentRows);
        await bulkInsert(trx, raw, 'outbox_contents', contentColumns, contentRows.map((r) => contentColumns.map((c) => r[c])), insertChunk);
        const { columns, rows } = messageRows(sends, projectId, now);
        await bulkInsert(trx, raw, 'outbox_messages', columns, rows, insertChunk);
        // The first history entry is the row's accepted_status at created_at: no transition row per recipient.
        // The messages' first EMAIL_STATUS events commit with them (transactional outbox).
        await appendEvents(
          trx,
          sends.flatMap((s) => s.messages.map((m) => toPublicEvent('email:status', { projectId, messageId: m.id, status: s.status, reason: null, at: now }))),
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
