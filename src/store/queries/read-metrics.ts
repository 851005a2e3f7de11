import { sql, type Kysely } from 'kysely';
import type { MetricsSnapshot } from '../../core/metrics/types.js';
import type { Database } from '../schema.js';

/**
 * One read-only snapshot of the numbers `/metrics` reports, as a handful of
 * grouped aggregates (no rows are fetched). Its cost grows with the outbox and
 * attempt tables, which is why the metrics module caches it (MAILROOM_METRICS_CACHE_MS).
 */
export async function readMetrics(db: Kysely<Database>, now: number, latencyBoundsMs: readonly number[]): Promise<MetricsSnapshot> {
  const outbox = await db
    .selectFrom('outbox_messages')
    .select(['project_id', 'source', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['project_id', 'source', 'status'])
    .execute();

  const due = await db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.min('run_at').as('oldest'))
    .where('status', 'in', ['queued', 'scheduled'])
    .where('run_at', '<=', now)
    .executeTakeFirst();

  const attempts = await db
    .selectFrom('delivery_attempts')
    .select(['outcome', 'smtp_code', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['outcome', 'smtp_code'])
    .execute();

  // Latency from acceptance (or the scheduled time, for scheduled mail) to the relay's acceptance.
  const latency = sql<number>`(sent_at - case when scheduled_at is not null and scheduled_at > created_at then scheduled_at else created_at end)`;
  const bucketColumns = latencyBoundsMs.map((bound, i) => sql<number>`sum(case when ${latency} <= ${bound} then 1 else 0 end)`.as(`b${i}`));
  const latencyRow = (await db
    .selectFrom('outbox_messages')
    .select([(eb) => eb.fn.countAll<string | number>().as('total'), sql<number>`coalesce(sum(${latency}), 0)`.as('sum_ms'), ...bucketColumns])
    .where('sent_at', 'is not', null)
    .executeTakeFirst()) as Record<string, string | number | null> | undefined;

  const webhooks = await db
    .selectFrom('webhook_deliveries')
    .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('status')
    .execute();

  const events = await db
    .selectFrom('events')
    // A span row (append-events.ts) holds the events first_id..id.
    .select([sql<string | number>`coalesce(sum(case when first_id is null then 1 else id - first_id + 1 end), 0)`.as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
    .executeTakeFirst();

  const slots = await db
    .selectFrom('transport_slots')
    .select(['transport_key', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('expires_at', '>', now)
    .groupBy('transport_key')
    .execute();

  // PostgreSQL answers counts and sums of bigints as strings.
  const num = (v: string | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
  const numOrNull = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    outbox: outbox.map((r) => ({ projectId: r.project_id, source: r.source, status: r.status, count: num(r.n) })),
    oldestDueAt: numOrNull(due?.oldest as string | number | null | undefined),
    attempts: attempts.map((r) => ({ outcome: r.outcome, smtpCode: numOrNull(r.smtp_code), count: num(r.n) })),
    latency: {
      bounds: latencyBoundsMs,
      counts: latencyBoundsMs.map((_, i) => num(latencyRow?.[`b${i}`])),
      total: num(latencyRow?.total),
      sumMs: num(latencyRow?.sum_ms),
    },
    webhookDeliveries: webhooks.map((r) => ({ status: r.status, count: num(r.n) })),
    events: { count: num(events?.n), oldestAt: numOrNull(events?.oldest as string | number | null | undefined) },
    slots: slots.map((r) => ({ relay: r.transport_key, count: num(r.n) })),
  };
}
