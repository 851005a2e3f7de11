import type { Selectable } from 'kysely';
import type { WebhookEventType } from '../core/events/public-events.js';
import type { DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookStore } from '../core/webhooks/types.js';
import type { Engine } from './database.js';
import { parseJson } from './json.js';
import { claimWebhookDeliveries } from './queries/claim-webhook-deliveries.js';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from './schema.js';

const n = (v: number | null) => (v === null ? null : Number(v));

function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    events: parseJson<WebhookEventType[]>(row.events, []),
    description: row.description,
    enabled: Boolean(row.enabled),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: Number(row.started_at),
    durationMs: Number(row.duration_ms),
    responseStatus: n(row.response_status),
    responseBody: row.response_body,
    error: row.error,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>, log: WebhookAttempt[]): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: n(row.event_id),
    eventType: row.event_type,
    payload: row.payload,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: n(row.next_attempt_at),
    lastAttemptAt: n(row.last_attempt_at),
    responseStatus: n(row.response_status),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    log,
  };
}

export function createWebhookStore(engine: Engine): WebhookStore {
  const { db } = engine;

  async function withLogs(rows: Selectable<WebhookDeliveriesTable>[]): Promise<WebhookDelivery[]> {
    if (rows.length === 0) return [];
    const attempts = await db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', rows.map((r) => r.id))
      .orderBy('id')
      .execute();
    return rows.map((r) => toDelivery(r, attempts.filter((a) => a.delivery_id === r.id).map(toAttempt)));
  }

  return {
    async insert(webhook, secret) {
      await db
        .insertInto('webhooks')
        .values({
          id: webhook.id,
          project_id: webhook.projectId,
          url: webhook.url,
          events: JSON.stringify(webhook.events),
          description: webhook.description,
          enabled: webhook.enabled ? 1 : 0,
          secret,
          created_at: webhook.createdAt,
          updated_at: webhook.updatedAt,
        })
        .execute();
    },

    async list(projectId) {
      const rows = await db.selectFrom('webhooks').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
      return rows.map(toWebhook);
    },

    async get(projectId, id) {
      const row = await db.selectFrom('webhooks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && toWebhook(row);
    },

    async update(projectId, id, patch, now) {
      const result = await db
        .updateTable('webhooks')
        .set({
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          updated_at: now,
        })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      return this.get(projectId, id);
    },

    async delete(projectId, id) {
      const result = await db.deleteFrom('webhooks').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async listDeliveries(projectId, webhookId, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('webhook_id', '=', webhookId)
        .orderBy('created_at', 'desc')
        .orderBy('event_id', 'desc')
        .limit(limit)
        .execute();
      return withLogs(rows);
    },

    async getDelivery(projectId, webhookId, deliveryId) {
      const row = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('webhook_id', '=', webhookId)
        .where('id', '=', deliveryId)
        .executeTakeFirst();
      return row && (await withLogs([row]))[0];
    },

    async requeue(deliveryId, now) {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now, updated_at: now })
        .where('id', '=', deliveryId)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    claimDue: (options) => claimWebhookDeliveries(engine, options),

    async recordAttempt({ deliveryId, attempt, status, nextAttemptAt }, now) {
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('webhook_deliveries')
          .set({
            status,
            attempts: attempt.attempt,
            next_attempt_at: nextAttemptAt,
            lease_expires_at: null,
            last_attempt_at: attempt.startedAt,
            response_status: attempt.responseStatus,
            last_error: attempt.error,
            updated_at: now,
          })
          .where('id', '=', deliveryId)
          .executeTakeFirst();
        // The endpoint (and with it the delivery) was deleted while the request was in flight.
        if (Number(updated.numUpdatedRows) === 0) return;
        await trx
          .insertInto('webhook_attempts')
          .values({
            delivery_id: deliveryId,
            attempt: attempt.attempt,
            started_at: attempt.startedAt,
            duration_ms: attempt.durationMs,
            response_status: attempt.responseStatus,
            response_body: attempt.responseBody,
            error: attempt.error,
          })
          .execute();
      });
    },

    async release(deliveryIds) {
      if (deliveryIds.length === 0) return;
      await db.updateTable('webhook_deliveries').set({ lease_expires_at: null }).where('id', 'in', [...deliveryIds]).execute();
    },

    async pruneFinished(before) {
      const result = await db.deleteFrom('webhook_deliveries').where('status', '!=', 'pending').where('updated_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
