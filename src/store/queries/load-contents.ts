import type { Kysely, Selectable } from 'kysely';
import type { Attachment, SharedContent } from '../../core/outbox/types.js';
import { parseJson } from '../json.js';
import type { Database, OutboxContentsTable } from '../schema.js';

/** An attachment as a content row lists it; the bytes are in attachment_blobs under `hash`. */
export interface AttachmentRef {
  filename: string;
  contentType?: string;
  /** Inline part named by the html as cid:… */
  contentId?: string;
  hash: string;
  size: number;
}

export interface LoadedContent extends SharedContent {
  /** The text part made once from the html when it does not depend on the recipient. */
  renderedText: string | null;
  /** What the send's messages share besides content (migration 0014); null for older sends, whose rows hold them. */
  batchId: string | null;
  messageIdHeader: string | null;
  messageIdDomain: string | null;
}

/** Rows per `in (...)` list; well inside SQLite's bound-parameter limit. */
const chunk = 500;

/**
 * The shared contents of some messages of one project, with their attachments'
 * bytes (each blob read once however many contents list it).
 */
export async function loadContents(db: Kysely<Database>, projectId: string, contentIds: readonly string[]): Promise<Map<string, LoadedContent>> {
  const ids = [...new Set(contentIds)];
  const rows: Selectable<OutboxContentsTable>[] = [];
  for (let i = 0; i < ids.length; i += chunk) {
    rows.push(...(await db.selectFrom('outbox_contents').selectAll().where('project_id', '=', projectId).where('id', 'in', ids.slice(i, i + chunk)).execute()));
  }
  const refsOf = new Map(rows.map((r) => [r.id, parseJson<AttachmentRef[]>(r.attachments, [])]));
  const hashes = [...new Set([...refsOf.values()].flatMap((refs) => refs.map((a) => a.hash)))];
  const blobs = new Map<string, string>();
  for (let i = 0; i < hashes.length; i += chunk) {
    const found = await db
      .selectFrom('attachment_blobs')
      .select(['hash', 'content'])
      .where('project_id', '=', projectId)
      .where('hash', 'in', hashes.slice(i, i + chunk))
      .execute();
    for (const b of found) blobs.set(b.hash, b.content);
  }
  const result = new Map<string, LoadedContent>();
  for (const r of rows) {
    const attachments: Attachment[] = refsOf.get(r.id)!.map((a) => ({
      filename: a.filename,
      content: blobs.get(a.hash) ?? '',
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.contentId ? { contentId: a.contentId } : {}),
    }));
    result.set(r.id, {
      from: r.from_address,
      replyTo: r.reply_to,
      subject: r.subject,
      html: r.html,
      text: r.text_body,
      templateId: r.template_id,
      variables: parseJson<Record<string, unknown> | null>(r.template_variables, null),
      draftId: r.draft_id,
      headers: parseJson<Record<string, string> | null>(r.headers, null),
      tags: parseJson<Record<string, string> | null>(r.tags, null),
      attachments,
      renderedText: r.rendered_text,
      batchId: r.batch_id,
      messageIdHeader: r.message_id_header,
      messageIdDomain: r.message_id_domain,
    });
  }
  return result;
}
