import { sql, type Kysely } from 'kysely';
import type { CursorPosition } from '../../core/cursor.js';
import type { BrowseFilter, OutboxSummary } from '../../core/outbox/browse.js';
import type { OutboxStatus, SkipReason } from '../../core/outbox/lifecycle.js';
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
    .selectFrom('outbox_messages')
    .select([
      'id',
      'status',
      'skip_reason',
      'source',
      'batch_id',
      'recipient_email',
      'recipient_user_id',
      'from_address',
      'subject',
      'rendered_subject',
      'template_id',
      'attempts',
      'scheduled_at',
      'sent_at',
      'created_at',
      'updated_at',
    ])
    .where('project_id', '=', projectId);
  if (filter.statuses) query = query.where('status', 'in', filter.statuses.length ? [...filter.statuses] : ['-none-']);
  // A whole address uses the (project_id, recipient_email) index; part of one scans the project's rows.
  if (filter.recipientAddress) query = query.where('recipient_email', '=', filter.recipientAddress);
  if (filter.recipient) query = query.where(sql<boolean>`lower(recipient_email) like ${`%${likeEscape(filter.recipient)}%`} escape '\\'`);
  if (filter.source) query = query.where('source', '=', filter.source);
  if (filter.batchId) query = query.where('batch_id', '=', filter.batchId);
  if (filter.createdFrom !== undefined) query = query.where('created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('created_at', '<=', filter.createdTo);
  if (before) {
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
    );
  }
  // With a whole address, `created_at + 0` keeps SQLite's planner from walking the created_at index
  // through every row of the project; it then takes the recipient index and sorts the few matches.
  const order = filter.recipientAddress ? sql<number>`created_at + 0` : sql<number>`created_at`;
  const rows = await query.orderBy(order, 'desc').orderBy('id', 'desc').limit(limit).execute();
  const n = (v: number | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    id: r.id,
    status: r.status as OutboxStatus,
    skipReason: r.skip_reason as SkipReason | null,
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
