import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql, type Insertable, type Kysely } from 'kysely';
import { toWebhookBody, type NewPublicEvent, type StoredEvent } from '../../core/events/public-events.js';
import { parseJson } from '../json.js';
import type { Database, WebhookDeliveriesTable } from '../schema.js';

/**
 * The transactional outbox for events: call inside the transaction that makes
 * the change the events report, so the change and its events (and the webhook
 * deliveries they cause) commit together or not at all.
 *
 * On PostgreSQL the ids are announced with NOTIFY on commit, and a transaction
 * lock taken before the ids are drawn makes transactions that append events
 * commit in id order: a reader following the log by id (a resuming WebSocket,
 * a catching-up relay) never passes an id that commits later. SQLite has one
 * writer at a time, which gives the same order. Call it last in the
 * transaction, so the lock is held only for the commit.
 */

/** NOTIFY payloads must stay under 8,000 bytes. */
const notifyPayloadLimit = 7_000;
const insertChunk = 500;
/** First half of the advisory lock key; the second is the schema's hash, so isolated instances do not wait on each other. */
const eventOrderLock = 7_302_114;

/** The events channel of the connection's schema; the listener computes the same name (pg-listener.ts). */
export const eventsChannelSql = sql<string>`left('mailroom_events_' || current_schema(), 63)`;
export const workChannelSql = sql<string>`left('mailroom_work_' || current_schema(), 63)`;

export const isPostgres = (db: Kysely<Database>) => db.getExecutor().adapter instanceof PostgresAdapter;

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

/** Inserts the events in order with their webhook deliveries; `trx` must be a transaction. */
export async function appendEvents(trx: Kysely<Database>, events: readonly NewPublicEvent[], now: number): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const postgres = isPostgres(trx);
  if (postgres) await sql`select pg_advisory_xact_lock(${eventOrderLock}, hashtext(current_schema()))`.execute(trx);
  const stored: StoredEvent[] = [];
  for (let i = 0; i < events.length; i += insertChunk) {
    const chunk = events.slice(i, i + insertChunk);
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
  if (postgres) {
    // Delivered to listeners only when this transaction commits.
    for (const payload of idPayloads(stored.map((e) => e.id))) {
      await sql`select pg_notify(${eventsChannelSql}, ${payload})`.execute(trx);
    }
  }
  return stored;
}
