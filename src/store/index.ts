import { sql } from 'kysely';
import type { Engine } from './database.js';
import { createOutboxStore } from './outbox-store.js';
import { createProjectStore } from './project-store.js';
import { createVerificationStore } from './verification-store.js';
import { createTemplateStore } from './template-store.js';
import { createTypedTemplateStore } from './typed-template-store.js';
import { createEventLog } from './event-log.js';
import { createWebhookStore } from './webhook-store.js';

export { openEngine, type Engine, type Capabilities } from './database.js';
export { migrateToLatest } from './migrate.js';
export { createPgEventFeed } from './pg-event-feed.js';

/** The Kysely implementations of the core ports, over one engine. */
export function createStore(engine: Engine) {
  return {
    engine,
    projects: createProjectStore(engine.db),
    outbox: createOutboxStore(engine.db),
    verification: createVerificationStore(engine.db),
    templates: createTemplateStore(engine.db),
    typedTemplates: createTypedTemplateStore(engine.db),
    events: createEventLog(engine),
    webhooks: createWebhookStore(engine),
    /** Readiness: a round trip to the database. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(engine.db);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
