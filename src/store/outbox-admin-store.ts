import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { DeliveryAttempt, MessageHistory, OutboxAdminStore, OutboxFilter } from '../core/outbox/admin-types.js';
import type { OutboxStatus } from '../core/outbox/lifecycle.js';
import type { Engine } from './database.js';
import { likeEscape } from './like.js';
import { recipientKey } from './recipient-key.js';
import type { Database } from './schema.js';
import { withContents } from './outbox-store.js';
import { updateMessageIf } from './queries/update-message-if.js';

function applyFilter(eb: ExpressionBuilder<Database, 'outbox_messages'>, kind: Engine['kind'], projectId: string, filter: OutboxFilter) {
  const conditions = [eb('project_id', '=', projectId)];
  if (filter.statuses) {
    if (filter.statuses.length === 0) return eb.val(false);
    conditions.push(eb('status', 'in', [...filter.statuses]));
  }
  // The recipient index holds the lower-cased address (recipient-key.ts); the second test keeps the match exact.
  if (filter.to) conditions.push(eb(recipientKey(kind), '=', sql<string>`lower(${filter.to})`), eb('recipient_email', '=', filter.to));
  if (filter.contentIds) conditions.push(filter.contentIds.length ? eb('content_id', 'in', [...filter.contentIds]) : eb.val(false));
  if (filter.oncePerSendOf !== undefined) {
    // One row per send of that source: no sibling of the same content with a smaller id (index outbox_content).
    conditions.push(
      eb.or([
        eb('source', '!=', filter.oncePerSendOf),
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox_messages as sibling')
              .select('sibling.id')
              .whereRef('sibling.content_id', '=', 'outbox_messages.content_id')
              .whereRef('sibling.id', '<', 'outbox_messages.id'),
          ),
        ),
      ]),
    );
  }
  if (filter.from) {
    // Senders are stored formatted (`"Name" <a@b.c>`) or bare, on the shared content.
    const from = filter.from;
    conditions.push(
      eb(
        'content_id',
        'in',
        eb
          .selectFrom('outbox_contents')
          .select('outbox_contents.id')
          .where('outbox_contents.project_id', '=', projectId)
          .where((c) =>
            c.or([
              c(c.fn('lower', ['from_address']), '=', from),
              sql<boolean>`lower(from_address) like ${`%<${likeEscape(from)}>`} escape '\\'`,
            ]),
          ),
      ),
    );
  }
  return eb.and(conditions);
}

export function createOutboxAdminStore(db: Kysely<Database>, kind: Engine['kind']): OutboxAdminStore {
  return {
    async listMessages(projectId, filter, page) {
      let query = db.selectFrom('outbox_messages').selectAll().where((eb) => applyFilter(eb, kind, projectId, filter));
      const before = page.before;
      if (before) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      }
      const after = page.after;
      if (after) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]),
        );
      }
      const direction = after ? 'asc' : 'desc';
      // With an address, `created_at + 0` keeps the planners off the newest-first walk of all the
      // project's rows: they take the address's range of outbox_recipient_lower and sort its few rows.
      const order = filter.to ? sql<number>`created_at + 0` : sql<number>`created_at`;
      query = query.orderBy(order, direction).orderBy('id', direction).limit(page.limit);
      if (page.offset) query = query.offset(page.offset);
      return withContents(db, projectId, await query.execute());
    },

    async countMessages(projectId, filter) {
      const row = await db
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => applyFilter(eb, kind, projectId, filter))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async histories(messageIds) {
      const result = new Map<string, MessageHistory>();
      if (messageIds.length === 0) return result;
      for (const id of messageIds) result.set(id, { transitions: [], deliveryAttempts: [] });
      const [accepted, transitions, attempts] = await Promise.all([
        db.selectFrom('outbox_messages').select(['id', 'accepted_status', 'created_at']).where('id', 'in', [...messageIds]).where('accepted_status', 'is not', null).execute(),
        db.selectFrom('outbox_transitions').selectAll().where('message_id', 'in', [...messageIds]).orderBy('id').execute(),
        db.selectFrom('delivery_attempts').selectAll().where('message_id', 'in', [...messageIds]).orderBy('attempt').orderBy('id').execute(),
      ]);
      // The first entry: the status it was accepted in, kept on the row (migration 0011).
      for (const a of accepted) {
        result.get(a.id)?.transitions.push({ status: a.accepted_status!, reason: null, at: Number(a.created_at) });
      }
      for (const t of transitions) {
        result.get(t.message_id)?.transitions.push({ status: t.status as OutboxStatus, reason: t.reason, at: Number(t.at) });
      }
      for (const a of attempts) {
        const attempt: DeliveryAttempt = {
          attempt: Number(a.attempt),
          startedAt: Number(a.started_at),
          finishedAt: a.finished_at === null ? null : Number(a.finished_at),
          outcome: a.outcome,
          smtpCode: a.smtp_code === null ? null : Number(a.smtp_code),
          enhancedCode: a.enhanced_code,
          response: a.response,
        };
        result.get(a.message_id)?.deliveryAttempts.push(attempt);
      }
      return result;
    },

    async updateIf(projectId, id, expected, patch, change, now) {
      if (!(await updateMessageIf(db, projectId, id, expected, patch, change, now))) return undefined;
      const row = await db.selectFrom('outbox_messages').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && (await withContents(db, projectId, [row]))[0];
    },
  };
}
