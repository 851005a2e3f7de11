import { sql, type Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { CapturedSummary } from '../../core/delivery/inbox-admin.js';
import { parseJson } from '../json.js';
import { likeEscape } from '../like.js';
import type { Database } from '../schema.js';

/** Captured mail newest first, without the raw MIME; `text` is already lower-cased. */
export async function searchCaptured(
  db: Kysely<Database>,
  projectId: string,
  options: { limit: number; before?: CursorPosition | undefined; text?: string | undefined },
): Promise<CapturedSummary[]> {
  let query = db
    .selectFrom('captured_messages')
    .select(['id', 'outbox_message_id', 'envelope_from', 'envelope_to', 'subject', 'created_at', sql<number>`length(raw)`.as('size')])
    .where('project_id', '=', projectId);
  const { before, text } = options;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
    );
  }
  if (text) {
    const pattern = `%${likeEscape(text)}%`;
    query = query.where(
      sql<boolean>`(lower(coalesce(subject, '')) like ${pattern} escape '\\' or lower(coalesce(envelope_from, '')) like ${pattern} escape '\\' or envelope_to like ${pattern} escape '\\')`,
    );
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    outboxMessageId: r.outbox_message_id,
    envelopeFrom: r.envelope_from,
    envelopeTo: parseJson<string[]>(r.envelope_to, []),
    subject: r.subject,
    size: Number(r.size),
    createdAt: Number(r.created_at),
  }));
}
