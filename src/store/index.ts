import { sql } from 'kysely';
import type { Engine } from './database.js';
import { createOutboxStore } from './outbox-store.js';
import { createProjectStore } from './project-store.js';
import { createVerificationStore } from './verification-store.js';
import { createTemplateStore } from './template-store.js';
import { createTypedTemplateStore } from './typed-template-store.js';
import { createEventLog } from './event-log.js';
import { createWebhookStore } from './webhook-store.js';
import { createUserStore } from './user-store.js';
import { createDraftStore } from './draft-store.js';
import { createIdempotencyStore } from './idempotency-store.js';
import { createOutboxAdminStore } from './outbox-admin-store.js';
import { createDeliveryStore } from './delivery-store.js';
import { createSuppressionStore } from './suppression-store.js';
import { createCaptureStore } from './capture-store.js';
import { createPgListener, createWorkSignal } from './pg-listener.js';
import { createConnectionSlots } from './queries/transport-slots.js';
import { createRetentionStore } from './retention-store.js';
import { createCaptureAdminStore, createOutboxBrowseStore } from './console-store.js';
import { createSessionStore } from './session-store.js';
import { readMetrics } from './queries/read-metrics.js';
import type { MetricsReader } from '../core/metrics/types.js';
import { createRequestCounter } from './request-counter.js';

export { openEngine, type Engine, type Capabilities, type EngineOptions } from './database.js';
export { migrateToLatest } from './migrate.js';
export { createPgEventFeed } from './pg-event-feed.js';
export { createPollingEventFeed } from './polling-event-feed.js';
export { isUnavailable } from './availability.js';

/** How long a readiness check waits for the database before calling it unreachable. */
const pingTimeoutMs = 1_500;

/**
 * The Kysely implementations of the core ports, over one engine. `onError`
 * hears what background connections (the PostgreSQL listener) run into.
 */
export function createStore(engine: Engine, onError: (error: unknown, context: string) => void = () => {}) {
  // One LISTEN connection per process carries both "work is due" and "events committed".
  const listener = engine.capabilities.listenNotify ? createPgListener(engine, onError) : undefined;
  return {
    listener,
    engine,
    projects: createProjectStore(engine.db),
    verification: createVerificationStore(engine.db),
    templates: createTemplateStore(engine.db),
    typedTemplates: createTypedTemplateStore(engine.db),
    events: createEventLog(engine),
    webhooks: createWebhookStore(engine),
    outbox: createOutboxStore(engine.db, engine.sqlite),
    users: createUserStore(engine.db),
    drafts: createDraftStore(engine.db),
    idempotency: createIdempotencyStore(engine.db),
    outboxAdmin: createOutboxAdminStore(engine.db, engine.kind),
    delivery: createDeliveryStore(engine),
    suppressions: createSuppressionStore(engine.db),
    captured: createCaptureStore(engine.db),
    workSignal: createWorkSignal(engine, listener),
    connectionSlots: createConnectionSlots(engine.db),
    retention: createRetentionStore(engine.db),
    outboxBrowse: createOutboxBrowseStore(engine.db, engine.kind),
    capturedAdmin: createCaptureAdminStore(engine.db),
    consoleSessions: createSessionStore(engine.db),
    metrics: { read: (now, bounds) => readMetrics(engine.db, now, bounds) } satisfies MetricsReader,
    requestCounter: createRequestCounter(engine, 'http:'),
    /** Failed SMTP AUTH attempts per client address, shared by every ingest process. */
    smtpAuthFailures: createRequestCounter(engine, 'smtp-auth:'),
    /** Readiness: a round trip to the database, given up after 1.5 s (a frozen server never answers). */
    async ping(): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the database did not answer within ${pingTimeoutMs} ms`)), pingTimeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(engine.db), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    /** True just after a query failed because the database was unreachable (and nothing has succeeded since). */
    knownDown: () => engine.availability.knownDown(),
  };
}

export type Store = ReturnType<typeof createStore>;
