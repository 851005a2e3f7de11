import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql, type Insertable, type Kysely } from 'kysely';
import { toWebhookBody, type NewPublicEvent, type StoredEvent } from '../../core/events/public-events.js';
import { parseJson } from '../json.js';
import type { OutboxStatus } from '../../core/outbox/lifecycle.js';
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
/** Rows appended in one statement at most: their ids, comma-separated, fit one NOTIFY payload even at 16 digits each. */
const oneStatementRows = 400;
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

interface Subscription {
  id: string;
  projectId: string;
  topics: Set<string>;
}

/** The enabled endpoints of the events' projects; looked up before the order lock is taken, so it is not held for it. */
async function subscriptionsFor(trx: Kysely<Database>, events: readonly NewPublicEvent[]): Promise<Subscription[]> {
  const projects = [...new Set(events.filter((e) => e.topic !== null).map((e) => e.projectId))];
  if (projects.length === 0) return [];
  const hooks = await trx.selectFrom('webhooks').select(['id', 'project_id', 'events']).where('enabled', '=', 1).where('project_id', 'in', projects).execute();
  return hooks.map((h) => ({ id: h.id, projectId: h.project_id, topics: new Set(parseJson<string[]>(h.events, [])) }));
}

/** Deliveries for every subscribed endpoint of the events' projects. */
async function insertDeliveries(trx: Kysely<Database>, subscribed: readonly Subscription[], events: readonly StoredEvent[], now: number): Promise<void> {
  if (subscribed.length === 0) return;
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

/**
 * Events per span row. Readers page through the log (the relays read 1,000 events a
 * page, a WebSocket resume fewer) and expand a whole row to take part of it, so a span
 * no longer than a page keeps reading linear in the events read.
 */
const maxSpan = 1_000;

/** One row of the log: a single event, or a run of events that differ only in the message id (a span). */
interface LogRow {
  first: NewPublicEvent;
  ids: string[] | null;
  count: number;
}

/** Only message status events carry the message id a span collects. */
const spannable = (e: NewPublicEvent) => e.resource === 'emails' && typeof e.payload.id === 'string';

/** A value in a payload, compared as its JSON would be (objects and arrays by content). */
const sameValue = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * Two spannable events that differ only in the message id. Compared field by field: a broadcast
 * appends 100,000 of them, and serializing each payload to compare them cost ~7 µs an event.
 */
function sameApartFromId(a: NewPublicEvent, b: NewPublicEvent): boolean {
  if (a.projectId !== b.projectId || a.topic !== b.topic) return false;
  const keys = Object.keys(a.payload);
  if (keys.length !== Object.keys(b.payload).length) return false;
  return keys.every((k) => k === 'id' || (k in b.payload && sameValue(a.payload[k], b.payload[k])));
}

/**
 * Consecutive status events that differ only in the message id (a broadcast's
 * 100,000 `queued`, a batch's outcomes) become one row holding the ids: a span
 * of consecutive event ids, expanded again when read (event-log.ts). The log
 * then costs per recipient one id in a JSON array instead of a row, its payload
 * and two index entries.
 */
function toLogRows(events: readonly NewPublicEvent[]): LogRow[] {
  const rows: LogRow[] = [];
  for (const e of events) {
    const last = rows[rows.length - 1];
    if (last && last.count < maxSpan && spannable(e) && spannable(last.first) && sameApartFromId(last.first, e)) {
      (last.ids ??= [last.first.payload.id as string]).push(e.payload.id as string);
      last.count++;
    } else rows.push({ first: e, ids: null, count: 1 });
  }
  return rows;
}

/**
 * The first of `count` consecutive event ids, drawn in append order: on SQLite its one
 * writer gives the order; on PostgreSQL the order lock, taken in the same statement
 * (one round trip, as the lock is held until COMMIT).
 */
async function drawEventIds(trx: Kysely<Database>, postgres: boolean, count: number): Promise<number> {
  if (postgres) {
    const { rows } = await sql<{ first: string }>`
      with ordered as materialized (select pg_advisory_xact_lock(${eventOrderLock}, hashtext(current_schema())))
      select setval(pg_get_serial_sequence('events', 'id'), nextval(pg_get_serial_sequence('events', 'id')) + ${count} - 1) - ${count} + 1 as first
        from ordered`.execute(trx);
    return Number(rows[0]!.first);
  }
  // AUTOINCREMENT never reuses an id: the next one is past both the sequence and the largest id held.
  const { rows } = await sql<{ id: number }>`select max(coalesce((select seq from sqlite_sequence where name = 'events'), 0), coalesce((select max(id) from events), 0)) + 1 as id`.execute(trx);
  return Number(rows[0]!.id);
}

/** A log row with its ids relative to the first id drawn for the append. */
interface PlacedRow {
  /** The row's id (its last event's), less the first id drawn. */
  offset: number;
  /** A span's first event id, less the first id drawn; null for a single event. */
  firstOffset: number | null;
  project_id: string;
  resource: string;
  type: string;
  topic: string | null;
  payload: string;
}

/**
 * PostgreSQL, one round trip while the order lock is held: the status history rows, the lock, the
 * ids, the rows and the NOTIFY (delivered when the transaction commits) in one statement; answers
 * the first id drawn.
 * Used for up to `oneStatementRows` rows, so the NOTIFY payload (their ids) stays under its limit.
 */
async function appendInOneStatement(trx: Kysely<Database>, placed: readonly PlacedRow[], total: number, now: number, history: readonly HistoryRow[]): Promise<number> {
  const column = <K extends keyof PlacedRow>(key: K) => placed.map((r) => r[key]);
  const historyColumn = <K extends keyof HistoryRow>(key: K) => history.map((r) => r[key]);
  const { rows } = await sql<{ first: string }>`
    with history as (
      insert into outbox_transitions (message_id, status, reason, at)
      select * from unnest(${historyColumn('messageId')}::text[], ${historyColumn('status')}::text[], ${historyColumn('reason')}::text[], ${historyColumn('at')}::bigint[])),
    ordered as materialized (select pg_advisory_xact_lock(${eventOrderLock}, hashtext(current_schema()))),
    drawn as materialized (
      select setval(pg_get_serial_sequence('events', 'id'), nextval(pg_get_serial_sequence('events', 'id')) + ${total} - 1) - ${total} + 1 as first
        from ordered),
    appended as (
      insert into events (id, first_id, project_id, resource, type, topic, payload, created_at)
      select drawn.first + r.offset_id, drawn.first + r.first_offset, r.project_id, r.resource, r.type, r.topic, r.payload, ${now}
        from drawn,
             unnest(${column('offset')}::bigint[], ${column('firstOffset')}::bigint[], ${column('project_id')}::text[], ${column('resource')}::text[],
                    ${column('type')}::text[], ${column('topic')}::text[], ${column('payload')}::text[])
               as r(offset_id, first_offset, project_id, resource, type, topic, payload)
      returning id)
    select drawn.first, pg_notify(${eventsChannelSql}, (select string_agg(id::text, ',' order by id) from appended)) as notified
      from drawn`.execute(trx);
  return Number(rows[0]!.first);
}

/** Shorter prefixes are not worth the extra field. */
const minIdPrefix = 8;

/**
 * A span's payload: the shared fields once, and the message ids. Ids accepted together share at
 * least their first 24 characters (time-ordered-id.ts), so the common prefix is written once as
 * `idPrefix` and each id by what follows it: a broadcast's log then costs ~15 bytes per recipient
 * instead of ~41.
 */
function spanPayload(shared: NewPublicEvent['payload'], ids: readonly string[]): Record<string, unknown> {
  let prefix = ids[0]!;
  for (const id of ids) {
    let n = 0;
    while (n < prefix.length && n < id.length && prefix.charCodeAt(n) === id.charCodeAt(n)) n++;
    if (n < prefix.length) prefix = prefix.slice(0, n);
    if (prefix.length < minIdPrefix) return { ...shared, id: undefined, ids };
  }
  // Every id keeps at least one character of its own.
  const shortest = Math.min(...ids.map((id) => id.length));
  if (prefix.length >= shortest) prefix = prefix.slice(0, shortest - 1);
  if (prefix.length < minIdPrefix) return { ...shared, id: undefined, ids };
  return { ...shared, id: undefined, idPrefix: prefix, ids: ids.map((id) => id.slice(prefix.length)) };
}

/** Draws the ids, then inserts the rows in chunks; on PostgreSQL the last chunk carries the NOTIFY. Answers the first id drawn. */
async function appendInChunks(trx: Kysely<Database>, postgres: boolean, placed: readonly PlacedRow[], total: number, now: number): Promise<number> {
  const first = await drawEventIds(trx, postgres, total);
  const values = placed.map((r) => ({
    id: first + r.offset,
    first_id: r.firstOffset === null ? null : first + r.firstOffset,
    project_id: r.project_id,
    resource: r.resource,
    type: r.type,
    topic: r.topic,
    payload: r.payload,
    created_at: now,
  }));
  for (let i = 0; i < values.length; i += insertChunk) {
    const chunk = values.slice(i, i + insertChunk);
    if (postgres && i + insertChunk >= values.length) {
      // The last chunk carries the NOTIFY (delivered to listeners only when this transaction commits):
      // one round trip less while the order lock is held. A span is announced by its row id; readers expand it (event-log.ts).
      await trx
        .with('appended', (db) => db.insertInto('events').values(chunk))
        .selectFrom(sql<string>`unnest(${idPayloads(values.map((v) => v.id))}::text[])`.as('payload'))
        .select(sql<string>`pg_notify(${eventsChannelSql}, payload)`.as('notified'))
        .execute();
    } else await trx.insertInto('events').values(chunk).execute();
  }
  return first;
}

/** A status history row, written with the EMAIL_STATUS event that reports it (record-transitions.ts). */
export interface HistoryRow {
  messageId: string;
  status: OutboxStatus;
  reason: string | null;
  at: number;
}

/** SQLite caps bound parameters per statement; 4 per row keeps chunks well inside it. */
const historyChunk = 2000;

async function insertHistory(trx: Kysely<Database>, history: readonly HistoryRow[]): Promise<void> {
  for (let i = 0; i < history.length; i += historyChunk) {
    await trx
      .insertInto('outbox_transitions')
      .values(history.slice(i, i + historyChunk).map((r) => ({ message_id: r.messageId, status: r.status, reason: r.reason, at: r.at })))
      .execute();
  }
}

/**
 * Inserts the events in order with their webhook deliveries, and `history` (status history rows)
 * before them: on PostgreSQL in the same statement when the events fit one, else as inserts of
 * their own. `trx` must be a transaction. The events as stored (one per message of a span) are
 * built only for webhook deliveries: a broadcast's 100,000 of them cost ~0.2 s of objects and
 * garbage when no webhook listens.
 */
export async function appendEvents(trx: Kysely<Database>, events: readonly NewPublicEvent[], now: number, history: readonly HistoryRow[] = []): Promise<void> {
  if (events.length === 0) return insertHistory(trx, history);
  const postgres = isPostgres(trx);
  const subscribed = await subscriptionsFor(trx, events);
  const rows = toLogRows(events);
  // Ids are consecutive in append order, so a span's ids are consecutive; a row's id is its last event's id.
  let total = 0;
  const placed = rows.map((r): PlacedRow => {
    const firstOffset = total;
    total += r.count;
    return {
      offset: total - 1,
      firstOffset: r.ids ? firstOffset : null,
      project_id: r.first.projectId,
      resource: r.first.resource,
      type: r.first.payload.type,
      topic: r.first.topic,
      payload: JSON.stringify(r.ids ? spanPayload(r.first.payload, r.ids) : r.first.payload),
    };
  });
  const oneStatement = postgres && placed.length <= oneStatementRows;
  if (!oneStatement) await insertHistory(trx, history);
  const first = oneStatement ? await appendInOneStatement(trx, placed, total, now, history) : await appendInChunks(trx, postgres, placed, total, now);
  if (subscribed.length === 0) return;
  const stored: StoredEvent[] = [];
  rows.forEach((r, k) => {
    const { offset, firstOffset } = placed[k]!;
    if (r.ids) r.ids.forEach((messageId, i) => stored.push({ ...r.first, payload: { ...r.first.payload, id: messageId }, id: first + firstOffset! + i, createdAt: now }));
    else stored.push({ ...r.first, id: first + offset, createdAt: now });
  });
  await insertDeliveries(trx, subscribed, stored, now);
}
