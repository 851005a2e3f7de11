import type { Selectable } from 'kysely';
import type { EventLog } from '../core/events/ports.js';
import type { StoredEvent, WebhookEventType } from '../core/events/public-events.js';
import type { Engine } from './database.js';
import { parseJson } from './json.js';
import type { EventsTable } from './schema.js';
import { appendEvents } from './queries/append-events.js';

export function toStoredEvent(row: Selectable<EventsTable>): StoredEvent {
  return {
    id: Number(row.id),
    projectId: row.project_id,
    resource: row.resource as StoredEvent['resource'],
    topic: row.topic as WebhookEventType | null,
    payload: parseJson<StoredEvent['payload']>(row.payload, { type: row.type }),
    createdAt: Number(row.created_at),
  };
}

export function createEventLog(engine: Engine): EventLog {
  const { db } = engine;
  return {
    // Outside a change of its own (tools, tests): the events alone, in their own transaction.
    append: (events, now) => (events.length === 0 ? Promise.resolve([]) : db.transaction().execute((trx) => appendEvents(trx, events, now))),

    async readByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('events').selectAll().where('id', 'in', [...ids]).orderBy('id').execute();
      return rows.map(toStoredEvent);
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
      return rows.map(toStoredEvent);
    },

    async readSince(afterId, limit) {
      const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
      return rows.map(toStoredEvent);
    },

    async oldestId() {
      const row = await db.selectFrom('events').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst();
      return row?.id === null || row?.id === undefined ? undefined : Number(row.id);
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
