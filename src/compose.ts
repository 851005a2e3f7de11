/**
 * The composition root: config -> store -> core -> api (and, later, delivery).
 * The only module that knows every part; everything else gets its dependencies passed in.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { createAuthenticator } from './api/shared/auth.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createEventBus } from './core/events.js';
import { createEnqueue } from './core/outbox/enqueue.js';
import { createProjectService } from './core/projects/projects.js';
import { createPlainRenderer } from './core/templates/plain-renderer.js';
import { createStore, migrateToLatest, openEngine, type Store } from './store/index.js';
import { createUserService } from './core/users/users.js';
import { createDraftService } from './core/drafts/drafts.js';
import { createSendService } from './core/outbox/send.js';
import { createOutboxQueries } from './core/outbox/query.js';
import { createOutboxEditor } from './core/outbox/edit.js';
import { createIdempotency } from './core/idempotency/idempotency.js';

export interface CoreOptions {
  logger: Logger;
  clock?: Clock;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Store and core services without HTTP: what the CLI and workers need. */
export async function createCore(config: Config, options: CoreOptions) {
  const clock = options.clock ?? systemClock;
  const engine = await openEngine(config.databaseUrl);
  try {
    if (options.migrate !== false) {
      const applied = await migrateToLatest(engine);
      if (applied.length > 0) options.logger.info({ applied, database: engine.describe() }, 'migrations applied');
    }
  } catch (error) {
    await engine.close();
    throw error;
  }
  const store: Store = createStore(engine);
  const events = createEventBus((error, event) => options.logger.error({ err: error, event }, 'event listener failed'));
  const projects = createProjectService({ store: store.projects, clock });
  const renderer = createPlainRenderer();
  const enqueue = createEnqueue({ store: store.outbox, clock, events, messageIdDomain: new URL(config.publicUrl).hostname || 'mailroom.local' });
  const users = createUserService({ store: store.users, clock });
  const drafts = createDraftService({ store: store.drafts, clock, renderer });
  const send = createSendService({ enqueue, outbox: store.outbox, users: store.users, drafts, renderer, clock });
  const outboxQueries = createOutboxQueries({ outbox: store.outbox, admin: store.outboxAdmin });
  const outboxEditor = createOutboxEditor({ outbox: store.outbox, admin: store.outboxAdmin, clock, events });
  const idempotency = createIdempotency({ store: store.idempotency, clock });
  return {
    config,
    clock,
    logger: options.logger,
    engine,
    store,
    events,
    projects,
    renderer,
    enqueue,
    users,
    drafts,
    send,
    outboxQueries,
    outboxEditor,
    idempotency,
    close: () => engine.close(),
  };
}

export type Core = Awaited<ReturnType<typeof createCore>>;

export interface Mailroom {
  core: Core;
  app: FastifyInstance;
  /** Stops accepting requests, finishes in-flight requests and sends, closes the database. */
  close(): Promise<void>;
}

/** The whole service: core plus the HTTP API. */
export async function createMailroom(config: Config, options: CoreOptions): Promise<Mailroom> {
  const core = await createCore(config, options);
  const auth = createAuthenticator({ projects: core.projects });
  const app = await buildApp(
    {
      clock: core.clock,
      auth,
      projects: core.projects,
      checkReady: () => core.store.ping(),
      rootKey: config.rootKey,
      bodyLimit: config.bodyLimit,
      users: core.users,
      drafts: core.drafts,
      send: core.send,
      outboxQueries: core.outboxQueries,
      outboxEditor: core.outboxEditor,
      idempotency: core.idempotency,
    },
    { logger: options.logger },
  );
  let closing: Promise<void> | undefined;
  return {
    core,
    app,
    close() {
      closing ??= (async () => {
        await app.close();
        await core.close();
      })();
      return closing;
    },
  };
}
