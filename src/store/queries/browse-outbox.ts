import { sql, type Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { BrowseFilter, OutboxSummary } from '../../core/outbox/browse.js';
import type { Engine } from '../database.js';
import { prefixUpperBound, recipientKey } from '../recipient-key.js';
import type { Database } from '../schema.js';

/**
 * One page of outbox summaries, newest first. Without a recipient filter it walks the
 * (project_id, created_at, id, status) index and stops at the page's end. With one, the
 * matches come from the (project_id, lower(recipient)) index (an exact address or a prefix
 * is one range of it) and are sorted newest first from their rows, so the cost follows the
 * number of matches (migration 0015 took created_at and id out of that index: every accepted
 * message writes it). Bodies are never read: a list page of 50 rows stays a few kilobytes.
 */
export async function browseOutbox(
  db: Kysely<Database>,
  kind: Engine['kind'],
  projectId: string,
  filter: BrowseFilter,
  limit: number,
  position?: { before: CursorPosition } | { after: CursorPosition },
): Promise<OutboxSummary[]> {
  let ids = db.selectFrom('outbox_messages').select('id').where('project_id', '=', projectId);
  // An empty list matches nothing (no status is 'skipped' and 'sent' at once).
  if (filter.statuses) ids = filter.statuses.length ? ids.where('status', 'in', [...filter.statuses]) : ids.where(sql<boolean>`1 = 0`);
  const key = recipientKey(kind);
  if (filter.recipientAddress) ids = ids.where(key, '=', sql<string>`lower(${filter.recipientAddress})`).where('recipient_email', '=', filter.recipientAddress);
  if (filter.recipient) ids = ids.where(key, '>=', filter.recipient).where(key, '<', prefixUpperBound(filter.recipient));
  if (filter.source) ids = ids.where('source', '=', filter.source);
  // The batch id is stored once per send, on its content.
  if (filter.batchId) {
    const batchId = filter.batchId;
    ids = ids.where('content_id', 'in', (eb) => eb.selectFrom('outbox_contents').select('id').where('project_id', '=', projectId).where('batch_id', '=', batchId));
  }
  if (filter.createdFrom !== undefined) ids = ids.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) ids = ids.where('created_at', '<=', filter.createdTo);
  if (position && 'before' in position) {
    const { before } = position;
    ids = ids.where((eb) => eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]));
  }
  // Paging back towards the newest: the `limit` rows just after the cursor, oldest first; shown newest first.
  const after = position && 'after' in position ? position.after : undefined;
  if (after) {
    ids = ids.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
  }
  const byRecipient = filter.recipientAddress !== undefined || filter.recipient !== undefined;
  // With a recipient filter, `created_at + 0` keeps the planners off the newest-first walk of the
  // project's rows (which meets the matches only as often as they occur); they take the recipient range.
  const order = byRecipient ? sql<number>`created_at + 0` : sql<number>`created_at`;
  const direction = after ? 'asc' : 'desc';
  const page = ids.orderBy(order, direction).orderBy('id', direction).limit(limit);

  const rows = await db
    .selectFrom('outbox_messages as m')
    .innerJoin('outbox_contents as c', 'c.id', 'm.content_id')
    .select([
      'm.id',
      'm.status',
      'm.skip_reason',
      'm.source',
      'c.batch_id',
      'm.recipient_email',
      'm.recipient_user_id',
      'c.from_address',
      'c.subject',
      'm.rendered_subject',
      'c.template_id',
      'm.attempts',
      'm.scheduled_at',
      'm.sent_at',
      'm.created_at',
      'm.updated_at',
    ])
    .where('m.id', 'in', page)
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .execute();
  const n = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    skipReason: r.skip_reason,
    source: r.source,
    batchId: r.batch_id,
    recipientEmail: r.recipient_email,
    recipientUserId: r.recipient_user_id,
    from: r.from_address,
    subject: r.rendered_subject ?? r.subject,
    templateId: r.template_id,
    attempts: Number(r.attempts),
    scheduledAt: n(r.scheduled_at),
    sentAt: n(r.sent_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
}
