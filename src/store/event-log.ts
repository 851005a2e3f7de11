import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { EventLog } from '../core/events/ports.js';
import { toWebhookBody, type NewPublicEvent, type StoredEvent, type WebhookEventType } from '../core/events/public-events.js';
import type { Engine } from './database.js';
import { parseJson } from './json.js';
import type { Database, EventsTable, WebhookDeliveriesTable } from './schema.js';

/** NOTIFY channels are database-wide; instances in separate schemas of one database must not hear each other. */
export function eventsChannel(schema: string | undefined): string {
  return schema ? `mailroom_events_${schema}` : 'mailroom_events';
}

/** NOTIFY payloads must stay under 8,000 bytes. */
const notifyPayloadLimit = 7_000;
const insertChunk = 500;

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

function idPayloads(ids: readonly number[]): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const id of ids) {
    const next = current ? `${current},${id}` : String(id);
    if (next.length > notifyPayloadLimit) {
      payloads.push(current);
      current = String(id);
    } else current = next;
  }
  if (current) payloads.push(current);
  return payloads;
}

/** Deliveries for every enabled endpoint of the events' projects subscribed to their topics. */
async function insertDeliveries(trx: Kysely<Database>, events: readonly StoredEvent[], now: number): Promise<void> {
  const projects = [...new Set(events.filter((e) => e.topic !== null).map((e) => e.projectId))];
  if (projects.length === 0) return;
  const hooks = await trx.selectFrom('webhooks').select(['id', 'project_id', 'events']).where('enabled', '=', 1).where('project_id', 'in', projects).execute();
  if (hooks.length === 0) return;
  const subscribed = hooks.map((h) => ({ id: h.id, projectId: h.project_id, topics: new Set(parseJson<string[]>(h.events, [])) }));
  const rows: Insertable<WebhookDeliveriesTable>[] = [];
  for (const event of events) {
    if (event.topic === null) continue;
    for (const hook of subscribed) {
      if (hook.projectId !== event.projectId || !hook.topics.has(event.topic)) continue;
      rows.push({
        id: `msg_${randomUUID().replaceAll('-', '')}`,
        webhook_id: hook.id,
        project_id: event.projectId,
        event_id: event.id,
        event_type: event.topic,
        payload: toWebhookBody({ ...event, topic: event.topic }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      });
    }
  }
  for (let i = 0; i < rows.length; i += insertChunk) {
    await trx.insertInto('webhook_deliveries').values(rows.slice(i, i + insertChunk)).execute();
  }
}

export function createEventLog(engine: Engine): EventLog {
  const { db } = engine;
  const channel = eventsChannel(engine.schema);
  return {
    async append(events, now) {
      if (events.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const stored: StoredEvent[] = [];
        for (let i = 0; i < events.length; i += insertChunk) {
          const chunk: readonly NewPublicEvent[] = events.slice(i, i + insertChunk);
          const inserted = await trx
            .insertInto('events')
            .values(
              chunk.map((e) => ({
                project_id: e.projectId,
                resource: e.resource,
                type: e.payload.type,
                topic: e.topic,
                payload: JSON.stringify(e.payload),
                created_at: now,
              })),
            )
            .returning('id')
            .execute();
          // One statement allocates its ids in VALUES order on both engines; RETURNING order is not promised.
          const ids = inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
          chunk.forEach((e, j) => stored.push({ ...e, id: ids[j]!, createdAt: now }));
        }
        await insertDeliveries(trx, stored, now);
        if (engine.capabilities.listenNotify) {
          // Delivered to listeners only when this transaction commits.
          for (const payload of idPayloads(stored.map((e) => e.id))) {
            await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
          }
        }
        return stored;
      });
    },

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
