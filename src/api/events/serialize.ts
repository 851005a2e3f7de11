import type { Webhook, WebhookDelivery } from '../../core/webhooks/types.js';
import { iso, isoOrNull } from '../shared/serialize.js';

export const webhookSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    description: { type: 'string', nullable: true },
    enabled: { type: 'boolean' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

export function serializeWebhook(webhook: Webhook) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    enabled: webhook.enabled,
    created_at: iso(webhook.createdAt),
    updated_at: iso(webhook.updatedAt),
  };
}

export const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    webhook_id: { type: 'string' },
    event_id: { type: 'integer', nullable: true },
    event_type: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'succeeded', 'failed'] },
    attempts: { type: 'integer' },
    next_attempt_at: { type: 'string', nullable: true },
    last_attempt_at: { type: 'string', nullable: true },
    response_status: { type: 'integer', nullable: true },
    last_error: { type: 'string', nullable: true },
    payload: { type: 'object', additionalProperties: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    attempt_log: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          attempt: { type: 'integer' },
          started_at: { type: 'string' },
          duration_ms: { type: 'integer' },
          response_status: { type: 'integer', nullable: true },
          response_body: { type: 'string', nullable: true },
          error: { type: 'string', nullable: true },
        },
      },
    },
  },
} as const;

export function serializeDelivery(d: WebhookDelivery) {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: isoOrNull(d.nextAttemptAt),
    last_attempt_at: isoOrNull(d.lastAttemptAt),
    response_status: d.responseStatus,
    last_error: d.lastError,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    attempt_log: d.log.map((a) => ({
      attempt: a.attempt,
      started_at: iso(a.startedAt),
      duration_ms: a.durationMs,
      response_status: a.responseStatus,
      response_body: a.responseBody,
      error: a.error,
    })),
  };
}
