import { sql } from 'kysely';
import type { Engine } from './database.js';
import { createOutboxStore } from './outbox-store.js';
import { createProjectStore } from './project-store.js';
import { createUserStore } from './user-store.js';
import { createDraftStore } from './draft-store.js';
import { createIdempotencyStore } from './idempotency-store.js';
import { createOutboxAdminStore } from './outbox-admin-store.js';

export { openEngine, type Engine, type Capabilities } from './database.js';
export { migrateToLatest } from './migrate.js';

/** The Kysely implementations of the core ports, over one engine. */
export function createStore(engine: Engine) {
  return {
    engine,
    projects: createProjectStore(engine.db),
    outbox: createOutboxStore(engine.db, engine.sqlite),
    users: createUserStore(engine.db),
    drafts: createDraftStore(engine.db),
    idempotency: createIdempotencyStore(engine.db),
    outboxAdmin: createOutboxAdminStore(engine.db),
    /** Readiness: a round trip to the database. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(engine.db);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
