import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidField, MailroomError, notFound } from '../errors.js';
import { hasPermission, type Principal } from '../auth/permissions.js';
import { readPermissionForTopic, webhookEventTypes, type WebhookEventType } from '../events/public-events.js';
import { isHostAllowed, refusalOf, type EgressMode as PrivateTargetPolicy, type ResolveHost } from '../egress/policy.js';
import type { Webhook, WebhookDelivery, WebhookPatch, WebhookStore } from './types.js';

export interface WebhookServiceDeps {
  store: WebhookStore;
  clock: Clock;
  policy: PrivateTargetPolicy;
  /**
   * Resolves a URL's host name when an endpoint is configured: a name that does
   * not resolve, or resolves to a refused address, is refused then (and every
   * delivery checks the address it dials again). Without it only the URL itself is judged.
   */
  resolveHost?: ResolveHost;
  /** Called after a delivery is made due, to wake the local dispatcher. */
  onDue?: () => void;
}

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string | null;
  enabled?: boolean;
}

/** `whsec_` + base64: the secret format the Standard Webhooks libraries accept. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

async function checkUrl(value: string, policy: PrivateTargetPolicy, resolveHost: ResolveHost | undefined): Promise<string> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField('url', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('url', 'must use http or https');
  const why = resolveHost
    ? await refusalOf(url.hostname, policy, resolveHost)
    : isHostAllowed(url.hostname, policy)
      ? undefined
      : `${url.hostname} is on a network this server does not call`;
  if (why !== undefined) throw new MailroomError('WEBHOOK_URL_NOT_ALLOWED', `url: ${why}`, { field: 'url' });
  return url.toString();
}

function checkEvents(events: string[]): WebhookEventType[] {
  if (events.length === 0) throw invalidField('events', 'name at least one event type');
  const unknown = events.find((e) => !(webhookEventTypes as readonly string[]).includes(e));
  if (unknown !== undefined) throw invalidField('events', `"${unknown}" is not an event type`);
  return [...new Set(events as WebhookEventType[])];
}

/**
 * A webhook carries event payloads (block content, template subjects, email
 * statuses) to its URL, so pointing one at a set of events needs read access to
 * each event's resource: 403 INSUFFICIENT_PERMISSION naming the first missing one.
 */
function checkReadable(principal: Principal, events: readonly WebhookEventType[]): void {
  for (const type of events) {
    const permission = readPermissionForTopic(type);
    if (!hasPermission(principal, permission)) {
      throw new MailroomError('INSUFFICIENT_PERMISSION', `events: subscribing to ${type} requires the permission ${permission}`, {
        permission,
        field: 'events',
      });
    }
  }
}

/** Webhook endpoints of a project and their delivery log. */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { store, clock } = deps;

  async function get(projectId: string, id: string): Promise<Webhook> {
    const webhook = await store.get(projectId, id);
    if (!webhook) throw notFound('webhook', id);
    return webhook;
  }

  return {
    /** The secret is returned only here. `principal` (the caller) must be able to read every event's resource. */
    async create(principal: Principal, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
      const now = clock.now();
      const events = checkEvents(input.events);
      checkReadable(principal, events);
      const url = await checkUrl(input.url, deps.policy, deps.resolveHost);
      const webhook: Webhook = {
        id: randomUUID(),
        projectId: principal.projectId,
        url,
        events,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      };
      const secret = newSecret();
      await store.insert(webhook, secret);
      return { webhook, secret };
    },

    list: (projectId: string) => store.list(projectId),
    get,

    /**
     * Changing the events, the URL, or enabling the endpoint decides where event
     * payloads go, so the caller must be able to read every event it then carries.
     */
    async update(principal: Principal, id: string, input: Partial<WebhookInput>): Promise<Webhook> {
      const { projectId } = principal;
      const patch: WebhookPatch = {};
      if (input.events !== undefined) patch.events = checkEvents(input.events);
      // Permission first: a caller who may not re-point the endpoint learns nothing from name resolution.
      if (patch.events !== undefined || input.url !== undefined || input.enabled === true) {
        checkReadable(principal, patch.events ?? (await get(projectId, id)).events);
      }
      if (input.url !== undefined) patch.url = await checkUrl(input.url, deps.policy, deps.resolveHost);
      if (input.description !== undefined) patch.description = input.description;
      if (input.enabled !== undefined) patch.enabled = input.enabled;
      const updated = await store.update(projectId, id, patch, clock.now());
      if (!updated) throw notFound('webhook', id);
      return updated;
    },

    async delete(projectId: string, id: string): Promise<void> {
      if (!(await store.delete(projectId, id))) throw notFound('webhook', id);
    },

    async listDeliveries(projectId: string, webhookId: string, limit: number): Promise<WebhookDelivery[]> {
      await get(projectId, webhookId);
      return store.listDeliveries(projectId, webhookId, limit);
    },

    /** Sends the delivery again as soon as possible, with the same webhook-id so receivers can deduplicate. */
    async redeliver(projectId: string, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
      await get(projectId, webhookId);
      const delivery = await store.getDelivery(projectId, webhookId, deliveryId);
      if (!delivery) throw notFound('delivery', deliveryId);
      if (!(await store.requeue(deliveryId, clock.now()))) {
        throw new MailroomError('CONFLICT', 'the delivery is being sent right now; try again when it finishes', { id: deliveryId });
      }
      deps.onDue?.();
      return (await store.getDelivery(projectId, webhookId, deliveryId)) ?? delivery;
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
