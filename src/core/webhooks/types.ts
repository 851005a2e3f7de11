import type { WebhookEventType } from '../events/public-events.js';

export interface Webhook {
  id: string;
  projectId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookAttempt {
  attempt: number;
  startedAt: number;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: number | null;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  log: WebhookAttempt[];
}

/** A delivery leased to this dispatcher, with what it needs to send. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  payload: string;
  attempts: number;
}

export interface AttemptOutcome {
  deliveryId: string;
  attempt: WebhookAttempt;
  /** succeeded; pending with a next attempt time; or failed for good. */
  status: DeliveryStatus;
  nextAttemptAt: number | null;
}

export interface WebhookPatch {
  url?: string;
  events?: WebhookEventType[];
  description?: string | null;
  enabled?: boolean;
}

export interface WebhookStore {
  insert(webhook: Webhook, secret: string): Promise<void>;
  list(projectId: string): Promise<Webhook[]>;
  get(projectId: string, id: string): Promise<Webhook | undefined>;
  update(projectId: string, id: string, patch: WebhookPatch, now: number): Promise<Webhook | undefined>;
  delete(projectId: string, id: string): Promise<boolean>;
  /** Newest first, with each delivery's attempt log. */
  listDeliveries(projectId: string, webhookId: string, limit: number): Promise<WebhookDelivery[]>;
  getDelivery(projectId: string, webhookId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Makes the delivery due now; false when it is being sent at this moment. */
  requeue(deliveryId: string, now: number): Promise<boolean>;
  /** Leases due deliveries, at most `perEndpoint` in flight per endpoint across all dispatchers. */
  claimDue(options: { now: number; leaseUntil: number; limit: number; perEndpoint: number }): Promise<ClaimedDelivery[]>;
  recordAttempt(outcome: AttemptOutcome, now: number): Promise<void>;
  /** Gives back leases of deliveries not attempted (shutdown). */
  release(deliveryIds: readonly string[]): Promise<void>;
  /** Deletes finished deliveries last touched before `before`. */
  pruneFinished(before: number): Promise<number>;
}
