import { sql, type Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { BrowseFilter, OutboxSummary } from '../../core/outbox/browse.js';
import { likeEscape } from '../like.js';
import type { Database } from '../schema.js';

/**
 * One page of outbox summaries, newest first, on the (project_id, created_at, id)
 * index. Bodies are not read: a list page of 50 rows stays a few kilobytes.
 */
export async function browseOutbox(
  db: Kysely<Database>,
  projectId: string,
  filter: BrowseFilter,
  limit: number,
  before?: CursorPosition,
): Promise<OutboxSummary[]> {
  let query = db
    .selectFrom('outbox_messages as m')
    .innerJoin('outbox_contents as c', 'c.id', 'm.content_id')
    .select([
      'm.id',
      'm.status',
      'm.skip_reason',
      'm.source',
      'm.batch_id',
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
    .where('m.project_id', '=', projectId);
  // An empty list matches nothing (no status is 'skipped' and 'sent' at once).
  if (filter.statuses) query = filter.statuses.length ? query.where('m.status', 'in', [...filter.statuses]) : query.where(sql<boolean>`1 = 0`);
  // A whole address uses the (project_id, recipient_email) index; part of one scans the project's rows.
  if (filter.recipientAddress) query = query.where('m.recipient_email', '=', filter.recipientAddress);
  if (filter.recipient) query = query.where(sql<boolean>`lower(m.recipient_email) like ${`%${likeEscape(filter.recipient)}%`} escape '\\'`);
  if (filter.source) query = query.where('m.source', '=', filter.source);
  if (filter.batchId) query = query.where('m.batch_id', '=', filter.batchId);
  if (filter.createdFrom !== undefined) query = query.where('m.created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('m.created_at', '<=', filter.createdTo);
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('m.created_at', '<', before.createdAt), eb.and([eb('m.created_at', '=', before.createdAt), eb('m.id', '<', before.id)])]),
    );
  }
  // With a whole address, `created_at + 0` keeps SQLite's planner from walking the created_at index
  // through every row of the project; it then takes the recipient index and sorts the few matches.
  const order = filter.recipientAddress ? sql<number>`m.created_at + 0` : sql<number>`m.created_at`;
  const rows = await query.orderBy(order, 'desc').orderBy('m.id', 'desc').limit(limit).execute();
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
