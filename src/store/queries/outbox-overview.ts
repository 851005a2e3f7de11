import { sql, type Kysely } from 'kysely';
import type { OverviewFigures } from '../../core/outbox/browse.js';
import { simpleStatus, type OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { Database } from '../schema.js';

/** Latency percentiles come from the newest messages only (those of them sent), so the read stays bounded. */
const latencySample = 5000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * The overview's figures for one project: counts by status, hourly buckets of
 * new messages over the window, the due queue, suppressions by reason, and
 * created -> sent latency. Independent reads, run together. Counts read
 * indexes only (`outbox_claim` holds status; `outbox_project_created` holds
 * created_at and status), never a row per message.
 */
export async function outboxOverview(
  db: Kysely<Database>,
  projectId: string,
  window: { from: number; to: number; bucketMs: number; now: number },
): Promise<OverviewFigures> {
  // Literal numbers, so PostgreSQL sees the same expression in select and group by.
  const bucket = sql<number>`(created_at - ${sql.lit(window.from)}) / ${sql.lit(window.bucketMs)}`;
  const [byStatus, buckets, due, suppressions, latencies] = await Promise.all([
    db
      .selectFrom('outbox_messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId)
      .groupBy('status')
      .execute(),
    db
      .selectFrom('outbox_messages')
      .select([bucket.as('bucket'), 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId)
      .where('created_at', '>=', window.from)
      .where('created_at', '<', window.to)
      .groupBy([bucket, 'status'])
      .execute(),
    db
      .selectFrom('outbox_messages')
      .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('run_at').as('oldest')])
      .where('project_id', '=', projectId)
      .where('status', 'in', ['queued', 'scheduled'])
      .where('run_at', '<=', window.now)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('suppressions')
      .select(['reason', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId)
      .groupBy('reason')
      .execute(),
    // The newest messages of the window, sent or not: a bounded read even when few of them were sent.
    db
      .selectFrom((eb) =>
        eb
          .selectFrom('outbox_messages')
          .select(['created_at', 'sent_at'])
          .where('project_id', '=', projectId)
          .where('created_at', '>=', window.from)
          .orderBy('created_at', 'desc')
          .limit(latencySample)
          .as('recent'),
      )
      .select(sql<number>`sent_at - created_at`.as('ms'))
      .where('sent_at', 'is not', null)
      .execute(),
  ]);
  const slots = Math.ceil((window.to - window.from) / window.bucketMs);
  const timeline = Array.from({ length: slots }, (_, i) => ({ bucketStart: window.from + i * window.bucketMs, inProgress: 0, ok: 0, error: 0 }));
  for (const row of buckets) {
    const slot = timeline[Math.floor(Number(row.bucket))];
    if (!slot) continue;
    const kind = simpleStatus(row.status as OutboxStatus);
    const n = Number(row.n);
    if (kind === 'ok') slot.ok += n;
    else if (kind === 'error') slot.error += n;
    else slot.inProgress += n;
  }
  const sorted = latencies.map((r) => Number(r.ms)).sort((a, b) => a - b);
  return {
    byStatus: byStatus.map((r) => ({ status: r.status as OutboxStatus, count: Number(r.n) })),
    timeline,
    queueDepth: Number(due.n),
    oldestDueAt: due.oldest === null || due.oldest === undefined ? null : Number(due.oldest),
    suppressions: suppressions.map((r) => ({ reason: r.reason, count: Number(r.n) })),
    latency: { count: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
  };
}
