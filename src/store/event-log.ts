import type { Selectable } from 'kysely';
import type { EventLog } from '../core/events/ports.js';
import type { StoredEvent, WebhookEventType } from '../core/events/public-events.js';
import type { Engine } from './database.js';
import { parseJson } from './json.js';
import type { EventsTable } from './schema.js';
import { appendEvents } from './queries/append-events.js';

/** The events a log row holds: itself, or each event of a span (ids first_id..id, one per message id in `ids`). */
export function toStoredEvents(row: Selectable<EventsTable>): StoredEvent[] {
  const payload = parseJson<StoredEvent['payload']>(row.payload, { type: row.type });
  const base = {
    projectId: row.project_id,
    resource: row.resource as StoredEvent['resource'],
    topic: row.topic as WebhookEventType | null,
    createdAt: Number(row.created_at),
  };
  const ids = payload.ids;
  if (row.first_id === null || !Array.isArray(ids)) return [{ ...base, id: Number(row.id), payload }];
  // A span written with `idPrefix` holds each id without the part all of them share (append-events.ts).
  const { ids: _ids, idPrefix, ...shared } = payload;
  const prefix = typeof idPrefix === 'string' ? idPrefix : '';
  const first = Number(row.first_id);
  return (ids as string[]).map((messageId, i) => ({ ...base, id: first + i, payload: { ...shared, id: prefix + messageId } }));
}

/** The events of `rows` after `afterId`, at most `limit` of them (a span may be cut; the next read starts inside it). */
function expand(rows: readonly Selectable<EventsTable>[], afterId: number, limit: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (const row of rows) {
    for (const e of toStoredEvents(row)) {
      if (e.id <= afterId) continue;
      events.push(e);
      if (events.length === limit) return events;
    }
  }
  return events;
}

export function createEventLog(engine: Engine): EventLog {
  const { db } = engine;
  return {
    // Outside a change of its own (tools, tests): the events alone, in their own transaction.
    append: (events, now) => (events.length === 0 ? Promise.resolve() : db.transaction().execute((trx) => appendEvents(trx, events, now))),

    async readByIds(ids) {
      if (ids.length === 0) return [];
      // Notifications carry row ids: a span is announced by its last id and read back whole.
      const rows = await db.selectFrom('events').selectAll().where('id', 'in', [...ids]).orderBy('id').execute();
      return rows.flatMap(toStoredEvents);
    },

    async readAfter(projectId, afterId, limit) {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
      return expand(rows, afterId, limit);
    },

    async readSince(afterId, limit) {
      const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
      return expand(rows, afterId, limit);
    },

    async oldestId() {
      // The oldest row's first event (a span starts at first_id).
      const row = await db.selectFrom('events').select(['id', 'first_id']).orderBy('id').limit(1).executeTakeFirst();
      return row ? Number(row.first_id ?? row.id) : undefined;
    },

    async latestId() {
      const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
    },

    async prune(before) {
      const result = await db.deleteFrom('events').where('created_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
