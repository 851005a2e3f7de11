import { sql, type Kysely } from 'kysely';
import type { ClaimedDelivery } from '../../core/webhooks/types.js';
import type { Engine } from '../database.js';
import type { Database } from '../schema.js';

interface ClaimOptions {
  now: number;
  leaseUntil: number;
  limit: number;
  perEndpoint: number;
}

/**
 * Due, unleased deliveries, oldest first, at most `perEndpoint` in flight per
 * endpoint counting leases held by every dispatcher: an endpoint that is down
 * holds only its own slots, never the whole batch. A disabled endpoint's
 * pending deliveries wait until it is enabled again.
 */
async function candidates(db: Kysely<Database>, o: ClaimOptions): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with busy as (
      select webhook_id, count(*) as n from webhook_deliveries
      where status = 'pending' and lease_expires_at > ${o.now}
      group by webhook_id
    ), ranked as (
      select d.id, d.next_attempt_at,
             row_number() over (partition by d.webhook_id order by d.next_attempt_at, d.id) as rn,
             coalesce(b.n, 0) as busy
      from webhook_deliveries d
      join webhooks w on w.id = d.webhook_id and w.enabled = 1
      left join busy b on b.webhook_id = d.webhook_id
      where d.status = 'pending' and d.next_attempt_at <= ${o.now}
        and (d.lease_expires_at is null or d.lease_expires_at <= ${o.now})
    )
    select id from ranked where rn + busy <= ${o.perEndpoint} order by next_attempt_at, id limit ${o.limit}
  `.execute(db);
  return result.rows.map((r) => r.id);
}

/**
 * Leases a batch of due deliveries; on PostgreSQL rows another dispatcher holds are skipped, not waited for.
 * The dispatcher is woken by every event that webhooks could carry, most of them in projects with no
 * endpoint: one indexed read answers those, without a transaction (on SQLite, without the write lock).
 */
export async function claimWebhookDeliveries(engine: Engine, o: ClaimOptions): Promise<ClaimedDelivery[]> {
  const due = await engine.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', o.now).limit(1).execute();
  if (due.length === 0) return [];
  return engine.db.transaction().execute(async (trx) => {
    let ids = await candidates(trx, o);
    if (ids.length === 0) return [];
    if (engine.capabilities.skipLocked) {
      const locked = await trx
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('id', 'in', ids)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', o.now)]))
        .forUpdate()
        .skipLocked()
        .execute();
      ids = locked.map((r) => r.id);
      if (ids.length === 0) return [];
    }
    await trx.updateTable('webhook_deliveries').set({ lease_expires_at: o.leaseUntil, updated_at: o.now }).where('id', 'in', ids).execute();
    const rows = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select(['d.id', 'd.webhook_id', 'd.payload', 'd.attempts', 'w.url', 'w.secret'])
      .where('d.id', 'in', ids)
      .execute();
    return rows.map((r) => ({ id: r.id, webhookId: r.webhook_id, url: r.url, secret: r.secret, payload: r.payload, attempts: Number(r.attempts) }));
  });
}
