import type { Insertable, Kysely, Selectable } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { OutboxStatus, SkipReason } from '../core/outbox/lifecycle.js';
import type { Attachment, MessageToInsert, OutboxMessage, OutboxStore } from '../core/outbox/types.js';
import type { Database, OutboxMessagesTable } from './schema.js';
import { jsonOrNull, parseJson } from './json.js';
import { bulkInsert } from './queries/bulk-insert.js';
import { appendEvents } from './queries/append-events.js';
import { toPublicEvent } from '../core/events/public-events.js';

export function toOutboxMessage(row: Selectable<OutboxMessagesTable>): OutboxMessage {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    projectId: row.project_id,
    source: row.source,
    batchId: row.batch_id,
    status: row.status as OutboxStatus,
    skipReason: row.skip_reason as SkipReason | null,
    lastError: row.last_error,
    isPaused: Boolean(row.is_paused),
    priority: Number(row.priority),
    transactional: Boolean(row.transactional),
    recipientUserId: row.recipient_user_id,
    recipientEmail: row.recipient_email,
    recipientName: row.recipient_name,
    from: row.from_address,
    replyTo: row.reply_to,
    cc: parseJson<string[]>(row.cc, []),
    bcc: parseJson<string[]>(row.bcc, []),
    subject: row.subject,
    html: row.html,
    text: row.text_body,
    templateId: row.template_id,
    variables: parseJson<Record<string, unknown>>(row.template_variables, {}),
    draftId: row.draft_id,
    headers: parseJson<Record<string, string>>(row.headers, {}),
    tags: parseJson<Record<string, string>>(row.tags, {}),
    attachments: parseJson<Attachment[]>(row.attachments, []),
    locale: row.locale,
    renderedSubject: row.rendered_subject,
    renderedHtml: row.rendered_html,
    renderedText: row.rendered_text,
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

function toRow(projectId: string, m: MessageToInsert, now: number): Insertable<OutboxMessagesTable> {
  return {
    id: m.id,
    project_id: projectId,
    source: m.source,
    batch_id: m.batchId ?? null,
    status: m.status,
    skip_reason: null,
    last_error: null,
    is_paused: 0,
    priority: m.priority ?? 0,
    transactional: m.transactional === false ? 0 : 1,
    recipient_user_id: 'userId' in m.recipient ? m.recipient.userId : null,
    recipient_email: 'email' in m.recipient ? m.recipient.email : null,
    recipient_name: m.recipientName ?? null,
    from_address: m.from ?? null,
    reply_to: m.replyTo ?? null,
    cc: m.cc?.length ? JSON.stringify(m.cc) : null,
    bcc: m.bcc?.length ? JSON.stringify(m.bcc) : null,
    subject: m.subject ?? null,
    html: m.html ?? null,
    text_body: m.text ?? null,
    template_id: m.templateId ?? null,
    template_variables: jsonOrNull(m.variables),
    draft_id: m.draftId ?? null,
    headers: jsonOrNull(m.headers),
    tags: jsonOrNull(m.tags),
    attachments: m.attachments?.length ? JSON.stringify(m.attachments) : null,
    locale: m.locale ?? null,
    run_at: m.runAt,
    scheduled_at: m.scheduledAt ?? null,
    attempts: 0,
    message_id_header: m.messageIdHeader,
    created_at: now,
    updated_at: now,
  };
}

/** Rows per statement on PostgreSQL (one array parameter per column). */
const insertChunk = 5000;
const transitionChunk = 20000;

export function createOutboxStore(db: Kysely<Database>, raw?: BetterSqlite3.Database): OutboxStore {
  return {
    async insertMessages(projectId, messages, now) {
      await db.transaction().execute(async (trx) => {
        const rows = messages.map((m) => toRow(projectId, m, now));
        // Columns null in every row are left to their default: fewer values to bind per row.
        const columns = (Object.keys(rows[0] ?? {}) as Array<keyof OutboxMessagesTable & string>).filter((c) =>
          rows.some((r) => r[c] !== null && r[c] !== undefined),
        );
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
      return row && toOutboxMessage(row);
    },
  };
}
