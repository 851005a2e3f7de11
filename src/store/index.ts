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
import { createWorkSignal } from './work-signal.js';
import { createConnectionSlots } from './queries/transport-slots.js';
import { createRequestCounter } from './request-counter.js';

export { openEngine, type Engine, type Capabilities } from './database.js';
export { migrateToLatest } from './migrate.js';
export { createPgEventFeed } from './pg-event-feed.js';

/** The Kysely implementations of the core ports, over one engine. */
export function createStore(engine: Engine) {
  return {
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
    outboxAdmin: createOutboxAdminStore(engine.db),
    delivery: createDeliveryStore(engine),
    suppressions: createSuppressionStore(engine.db),
    captured: createCaptureStore(engine.db),
    workSignal: createWorkSignal(engine),
    connectionSlots: createConnectionSlots(engine.db),
    requestCounter: createRequestCounter(engine),
    /** Readiness: a round trip to the database. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(engine.db);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
