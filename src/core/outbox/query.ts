import { decodeCursor, keysetPage } from '../cursor.js';
import { notFound } from '../errors.js';
import { parseMailbox } from './address.js';
import { outboxStatuses, simpleStatus, type OutboxStatus, type SimpleStatus } from './lifecycle.js';
import type { MessageHistory, OutboxAdminStore, OutboxFilter } from './admin-types.js';
import type { OutboxMessage, OutboxStore } from './types.js';

export type OutboxEntry = OutboxMessage & MessageHistory;

export interface OutboxQuery {
  status?: OutboxStatus;
  simpleStatus?: SimpleStatus;
  from?: string;
  to?: string;
}

function toFilter(query: OutboxQuery): OutboxFilter {
  let statuses: OutboxStatus[] | undefined;
  if (query.status) statuses = [query.status];
  if (query.simpleStatus) {
    const matching = outboxStatuses.filter((s) => simpleStatus(s) === query.simpleStatus);
    statuses = statuses ? statuses.filter((s) => matching.includes(s)) : matching;
  }
  return {
    ...(statuses ? { statuses } : {}),
    ...(query.from ? { from: parseMailbox('from', query.from).address.toLowerCase() } : {}),
    // Stored recipients are normalised the same way (ASCII domain in lower case), so the index applies.
    ...(query.to ? { to: parseMailbox('to', query.to).address } : {}),
  };
}

/** Reading the outbox: one message with its history, or pages of them, newest first. */
export function createOutboxQueries(deps: { outbox: OutboxStore; admin: OutboxAdminStore }) {
  async function withHistory(messages: OutboxMessage[]): Promise<OutboxEntry[]> {
    const histories = await deps.admin.histories(messages.map((m) => m.id));
    return messages.map((m) => ({ ...m, ...(histories.get(m.id) ?? { transitions: [], deliveryAttempts: [] }) }));
  }

  return {
    async get(projectId: string, id: string): Promise<OutboxEntry> {
      const message = await deps.outbox.getMessage(projectId, id);
      if (!message) throw notFound('email', id);
      return (await withHistory([message]))[0]!;
    },

    /** Keyset pages for the outbox API. */
    async listByCursor(projectId: string, query: OutboxQuery, limit: number, cursor?: string) {
      const before = cursor ? decodeCursor(cursor) : undefined;
      const rows = await deps.admin.listMessages(projectId, toFilter(query), { limit: limit + 1, ...(before ? { before } : {}) });
      const page = keysetPage(rows, limit);
      return { items: await withHistory(page.items), nextCursor: page.nextCursor };
    },

    /** Offset pages with a total, for the mail API. */
    async listByOffset(projectId: string, query: OutboxQuery, limit: number, offset: number) {
      const filter = toFilter(query);
      const [rows, total] = await Promise.all([
        deps.admin.listMessages(projectId, filter, { limit, offset }),
        deps.admin.countMessages(projectId, filter),
      ]);
      return { items: await withHistory(rows), total };
    },
  };
}

export type OutboxQueries = ReturnType<typeof createOutboxQueries>;
