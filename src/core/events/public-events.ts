/**
 * The public face of internal events: what WebSocket clients and webhooks see.
 * One table decides, for each internal event, the WebSocket type (seed 002
 * style, e.g. EMAIL_BLOCK_ADD), the resource a reader needs `:read` on, and the
 * webhook event type (e.g. email.block.created), if webhooks carry it.
 */
import type { Permission, Resource } from '../auth/permissions.js';
import type { BlockEventPayload, EventMap, TemplateEventPayload } from '../events.js';
import { simpleStatus, type OutboxStatus } from '../outbox/lifecycle.js';

/** What the WebSocket sends, minus `eventId`: flat, camelCase, epoch-ms times. */
export type PublicPayload = { type: string } & Record<string, unknown>;

export interface NewPublicEvent {
  projectId: string;
  resource: Extract<Resource, 'emails' | 'email.blocks' | 'email.templates'>;
  /** Webhook event type; null when webhooks do not carry this event. */
  topic: WebhookEventType | null;
  payload: PublicPayload;
}

export interface StoredEvent extends NewPublicEvent {
  id: number;
  createdAt: number;
}

export const webhookEventTypes = [
  'email.queued',
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.failed',
  'email.skipped',
  'email.block.created',
  'email.block.updated',
  'email.block.deleted',
  'email.template.created',
  'email.template.updated',
  'email.template.deleted',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Status changes that webhooks report; intermediate states (rendering, sending, ...) stay on the WebSocket. */
const statusTopics: Partial<Record<OutboxStatus, WebhookEventType>> = {
  queued: 'email.queued',
  sent: 'email.sent',
  delivered: 'email.delivered',
  'delivery-delayed': 'email.delivery_delayed',
  bounced: 'email.bounced',
  'render-error': 'email.failed',
  'server-error': 'email.failed',
  skipped: 'email.skipped',
};

/** The internal events that become public ones. */
export const publicSources = [
  'email:status',
  'block:add',
  'block:update',
  'block:delete',
  'template:add',
  'template:update',
  'template:delete',
] as const satisfies readonly (keyof EventMap)[];
export type PublicSource = (typeof publicSources)[number];

const blockActions = { 'block:add': ['ADD', 'created'], 'block:update': ['UPDATE', 'updated'], 'block:delete': ['DELETE', 'deleted'] } as const;
const templateActions = {
  'template:add': ['ADD', 'created'],
  'template:update': ['UPDATE', 'updated'],
  'template:delete': ['DELETE', 'deleted'],
} as const;

function blockEvent(name: keyof typeof blockActions, e: BlockEventPayload): NewPublicEvent {
  const [action, past] = blockActions[name];
  return {
    projectId: e.projectId,
    resource: 'email.blocks',
    topic: `email.block.${past}`,
    payload: { type: `EMAIL_BLOCK_${action}`, uuid: e.uuid, name: e.name, content: e.content, createdAt: e.createdAt, updatedAt: e.updatedAt },
  };
}

function templateEvent(name: keyof typeof templateActions, e: TemplateEventPayload): NewPublicEvent {
  const [action, past] = templateActions[name];
  return {
    projectId: e.projectId,
    resource: 'email.templates',
    topic: `email.template.${past}`,
    payload: { type: `EMAIL_TEMPLATE_${action}`, uuid: e.uuid, name: e.name, subject: e.subject, createdAt: e.createdAt, updatedAt: e.updatedAt },
  };
}

export function toPublicEvent<K extends PublicSource>(name: K, payload: EventMap[K]): NewPublicEvent {
  if (name === 'email:status') {
    const e = payload as EventMap['email:status'];
    return {
      projectId: e.projectId,
      resource: 'emails',
      topic: statusTopics[e.status] ?? null,
      payload: {
        type: 'EMAIL_STATUS',
        id: e.messageId,
        status: e.status,
        simpleStatus: simpleStatus(e.status),
        reason: e.reason,
        time: e.at,
        // Captured mail was not delivered: say so, so it cannot pass for a relay's acceptance.
        ...(e.status === 'sent' && e.reason === 'captured' ? { captured: true } : {}),
      },
    };
  }
  if (name in blockActions) return blockEvent(name as keyof typeof blockActions, payload as BlockEventPayload);
  return templateEvent(name as keyof typeof templateActions, payload as TemplateEventPayload);
}

export function readPermissionFor(event: Pick<NewPublicEvent, 'resource'>): Permission {
  return `${event.resource}:read`;
}

/** What a key must be able to read to subscribe a webhook to `type`: the same resource the event comes from. */
export function readPermissionForTopic(type: WebhookEventType): Permission {
  if (type.startsWith('email.block.')) return 'email.blocks:read';
  if (type.startsWith('email.template.')) return 'email.templates:read';
  return 'emails:read';
}

const isoOrNull = (value: unknown) => (typeof value === 'number' ? new Date(value).toISOString() : null);

/**
 * The webhook body (Standard Webhooks shape `{type, timestamp, data}`), in the
 * stack family's style: snake_case, ISO 8601 times.
 */
export function toWebhookBody(event: StoredEvent & { topic: WebhookEventType }): string {
  const p = event.payload;
  const data =
    event.resource === 'emails'
      ? { id: p.id, status: p.status, simple_status: p.simpleStatus, reason: p.reason ?? null, occurred_at: isoOrNull(p.time), ...(p.captured ? { captured: true } : {}) }
      : {
          uuid: p.uuid,
          name: p.name,
          ...(event.resource === 'email.blocks' ? { content: p.content } : { subject: p.subject }),
          created_at: isoOrNull(p.createdAt),
          updated_at: isoOrNull(p.updatedAt),
        };
  return JSON.stringify({ type: event.topic, timestamp: new Date(event.createdAt).toISOString(), event_id: event.id, data });
}
