import { sql } from 'kysely';
import type { Engine } from './database.js';
import { createOutboxStore } from './outbox-store.js';
import { createProjectStore } from './project-store.js';
import { createDeliveryStore } from './delivery-store.js';
import { createSuppressionStore } from './suppression-store.js';
import { createCaptureStore } from './capture-store.js';
import { createWorkSignal } from './work-signal.js';
import { createConnectionSlots } from './queries/transport-slots.js';

export { openEngine, type Engine, type Capabilities } from './database.js';
export { migrateToLatest } from './migrate.js';

/** The Kysely implementations of the core ports, over one engine. */
export function createStore(engine: Engine) {
  return {
    engine,
    projects: createProjectStore(engine.db),
    outbox: createOutboxStore(engine.db),
    delivery: createDeliveryStore(engine),
    suppressions: createSuppressionStore(engine.db),
    captured: createCaptureStore(engine.db),
    workSignal: createWorkSignal(engine),
    connectionSlots: createConnectionSlots(engine.db),
    /** Readiness: a round trip to the database. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(engine.db);
    },
  };
}

export type Store = ReturnType<typeof createStore>;
