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
import { createSuppressionService } from './core/suppressions/suppressions.js';
import { createInboxService } from './core/delivery/inbox.js';
import { createOneClickUnsubscribe } from './core/suppressions/one-click-unsubscribe.js';
import { startWorkers, type WorkerPool } from './delivery/workers.js';

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
  const suppressions = createSuppressionService({ store: store.suppressions, clock });
  const inbox = createInboxService({ store: store.captured });
  // New work committed here also wakes workers in other processes (LISTEN/NOTIFY on PostgreSQL).
  events.on('outbox:work', () => {
    store.workSignal.notify().catch((error: unknown) => options.logger.warn({ err: error }, 'work notification failed; workers will poll'));
  });
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
    suppressions,
    inbox,
    /** Every SMTP attempt of a message (for the outbox item); check the message's project first. */
    listDeliveryAttempts: (messageId: string) => store.delivery.listAttempts(messageId),
    close: () => engine.close(),
  };
}

export type Core = Awaited<ReturnType<typeof createCore>>;

/** Delivery workers over a core: what `serve` (MAILROOM_WORKERS) and `mailroom worker` run. */
export function startDelivery(core: Core, count: number): Promise<WorkerPool> {
  return startWorkers(
    {
      config: core.config,
      store: core.store.delivery,
      captured: core.store.captured,
      workSignal: core.store.workSignal,
      connectionSlots: core.store.connectionSlots,
      getProject: (id) => core.projects.getProject(id),
      renderer: core.renderer,
      events: core.events,
      clock: core.clock,
      logger: core.logger,
    },
    count,
  );
}

export interface Mailroom {
  core: Core;
  app: FastifyInstance;
  /** The delivery workers of this process (none when MAILROOM_WORKERS=0). */
  workers: WorkerPool | undefined;
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
      suppressions: core.suppressions,
      inbox: core.inbox,
      publicUrl: config.publicUrl,
      unsubscribe: createOneClickUnsubscribe({ projects: core.projects, suppressions: core.suppressions }),
    },
    { logger: options.logger },
  );
  const workers = config.workers > 0 ? await startDelivery(core, config.workers) : undefined;
  let closing: Promise<void> | undefined;
  return {
    core,
    app,
    workers,
    close() {
      closing ??= (async () => {
        await app.close();
        await workers?.stop();
        await core.close();
      })();
      return closing;
    },
  };
}
