/**
 * The composition root: config -> store -> core -> api (and, later, delivery).
 * The only module that knows every part; everything else gets its dependencies passed in.
 */
import { lookup } from 'node:dns/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { createAuthenticator } from './api/shared/auth.js';
import { describeTransport, type Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createUserTokens } from './core/auth/user-tokens.js';
import { createEventBus } from './core/events.js';
import { createEnqueue, unitOf } from './core/outbox/enqueue.js';
import { createProjectService } from './core/projects/projects.js';
import { createVerificationMailer } from './core/verification/send-code.js';
import { createVerificationService } from './core/verification/verification.js';
import { createTemplating } from './core/templates/templating.js';
import { createStore, migrateToLatest, openEngine, type Store } from './store/index.js';
import { createEventHub } from './core/events/hub.js';
import { createWebhookService } from './core/webhooks/webhooks.js';
import { createPgEventFeed, createPollingEventFeed } from './store/index.js';
import { createWebhookDispatcher } from './webhooks/dispatcher.js';
import { createUserService } from './core/users/users.js';
import { createDraftService } from './core/drafts/drafts.js';
import { createAccept } from './core/outbox/accept.js';
import { createPruner } from './core/retention/prune.js';
import type { NewMessage } from './core/outbox/types.js';
import { createOutboxQueries } from './core/outbox/query.js';
import { createOutboxEditor } from './core/outbox/edit.js';
import { createIdempotency } from './core/idempotency/idempotency.js';
import { createConsoleSessions } from './core/auth/console-sessions.js';
import { createSends } from './core/outbox/sends.js';
import { sendLimits } from './core/outbox/limits.js';
import { fetchAttachment } from './egress/fetch-attachment.js';
import { createTypedContent, createTypedSend } from './core/outbox/typed-send.js';
import { createSuppressionService } from './core/suppressions/suppressions.js';
import { createInboxService } from './core/delivery/inbox.js';
import { createOneClickUnsubscribe } from './core/suppressions/one-click-unsubscribe.js';
import { createOutboxBrowser } from './core/outbox/browse.js';
import { createInboxAdmin } from './core/delivery/inbox-admin.js';
import { startWorkers, type WorkerPool } from './delivery/workers.js';
import { startSmtpIngest, type SmtpIngest } from './ingest/smtp-ingest.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics/server.js';
import { createRenderPool } from './render-pool/render-pool.js';

export interface CoreOptions {
  logger: Logger;
  clock?: Clock;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
}

/** Store and core services without HTTP: what the CLI and workers need. */
/**
 * Resolves a host name for the egress checks done at configuration time; a
 * name that takes longer than `ms` counts as not resolving (a tenant's request
 * is not held up by a slow resolver).
 */
function resolveWithin(ms: number) {
  return async (hostname: string): Promise<string[]> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`resolving ${hostname} took over ${ms} ms`)), ms)));
    try {
      return (await Promise.race([lookup(hostname, { all: true }), timeout])).map((a) => a.address);
    } finally {
      clearTimeout(timer);
    }
  };
}

export async function createCore(config: Config, options: CoreOptions) {
  const clock = options.clock ?? systemClock;
  if (options.migrate !== false) {
    // Migrations run on a connection of their own without the request timeouts: a long one must not be cut off.
    const migrating = await openEngine(config.databaseUrl, { poolSize: 2 });
    try {
      const applied = await migrateToLatest(migrating);
      if (applied.length > 0) options.logger.info({ applied, database: migrating.describe() }, 'migrations applied');
    } finally {
      await migrating.close();
    }
  }
  const engine = await openEngine(config.databaseUrl, { timeouts: config.database });
  const reportError = (error: unknown, context: string) => options.logger.error({ err: error }, context);
  const store: Store = createStore(engine, (error, context) => options.logger.warn({ err: error }, context));
  const events = createEventBus((error, event) => options.logger.error({ err: error, event }, 'event listener failed'));
  const resolveHost = resolveWithin(5_000);
  const projects = createProjectService({
    store: store.projects,
    clock,
    relayPolicy: config.webhookAllowPrivate,
    resolveHost,
  });
  const userTokens = createUserTokens({
    projects: store.projects,
    clock,
    userExists: async (projectId, userId) => (await store.users.getUser(projectId, userId)) !== undefined,
  });
  // Template renders run on worker threads; one project may use half of them at most.
  const renderPool = createRenderPool({ threads: config.renderThreads, perProject: Math.max(1, Math.floor(config.renderThreads / 2)) });
  const templating = createTemplating({
    offLoop: renderPool.render,
    store: store.templates,
    typedStore: store.typedTemplates,
    clock,
    events,
    defaultLocaleOf: async (projectId) => (await store.projects.getProject(projectId))?.settings.defaultLocale,
  });
  const renderer = templating.renderer;
  const commit = createEnqueue({ store: store.outbox, clock, events, messageIdDomain: new URL(config.publicUrl).hostname || 'mailroom.local' });
  // Events are written with the changes they report; the hub follows the log (LISTEN or polling) once the service starts it.
  const eventHub = createEventHub({
    bus: events,
    log: store.events,
    feed: store.listener ? createPgEventFeed(store.listener, store.events, reportError) : createPollingEventFeed(store.events, config.eventsPollMs, reportError),
    clock,
    retentionMs: config.eventsRetentionMs,
    pruneIntervalMs: 10 * 60_000,
    onError: reportError,
  });
  const webhookDispatcher = createWebhookDispatcher({
    store: store.webhooks,
    clock,
    retrySchedule: config.webhookRetrySchedule,
    timeoutMs: config.webhookTimeoutMs,
    perEndpoint: config.webhookConcurrency,
    maxInFlight: 64,
    pollMs: config.webhookPollMs,
    policy: config.webhookAllowPrivate,
    logRetentionMs: 30 * 24 * 3600_000,
    onError: reportError,
  });
  // New deliveries are committed with their event: wake the dispatcher when one that webhooks carry arrives.
  eventHub.subscribe((event) => {
    if (event.topic !== null) webhookDispatcher.wake();
  });
  const webhooks = createWebhookService({ store: store.webhooks, clock, policy: config.webhookAllowPrivate, resolveHost, onDue: () => webhookDispatcher.wake() });
  const users = createUserService({ store: store.users, clock });
  const drafts = createDraftService({ store: store.drafts, clock, renderer });
  const typedContent = createTypedContent({
    render: (projectId, type, locale, variables) => templating.typedTemplates.render(projectId, type, locale, variables),
    defaultSender: async (projectId) => (await projects.getProject(projectId)).settings.defaultSender ?? null,
  });
  const accept = createAccept({ commit, outbox: store.outbox, users: store.users, drafts, renderer, clock, typedContent });
  const outboxQueries = createOutboxQueries({ outbox: store.outbox, admin: store.outboxAdmin });
  const outboxEditor = createOutboxEditor({ outbox: store.outbox, admin: store.outboxAdmin, clock, events });
  const resendSends = createSends({ admin: store.outboxAdmin, queries: outboxQueries, editor: outboxEditor, source: 'resend' });
  const idempotency = createIdempotency({
    store: store.idempotency,
    clock,
    onError: (err, what) => options.logger.warn({ err, what }, 'could not update an Idempotency-Key record; it counts as stale after a minute'),
  });
  const typedSend = createTypedSend({ accept: (projectId, request) => accept.accept(projectId, request) });
  const suppressions = createSuppressionService({ store: store.suppressions, clock });
  const inbox = createInboxService({ store: store.captured });
  const pruner = createPruner({ store: store.retention, clock, settings: config.retention, onError: (error) => reportError(error, 'pruning failed; retried next interval') });
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
    templating,
    /** Commits messages already in per-recipient form, unvalidated: for tests and tools, not a send path. */
    enqueue: async (projectId: string, messages: readonly NewMessage[]) =>
      (await commit(projectId, messages.map(unitOf))).flatMap((u) => u.messages.map((m) => m.id)),
    userTokens,
    verification: createVerificationService({
      store: store.verification,
      projects,
      clock,
      sendCode: createVerificationMailer({
        accept: accept.accept,
        renderRegister: (projectId, locale, variables) => templating.typedTemplates.render(projectId, 'Register', locale, variables),
        defaultSenderOf: async (projectId) => (await store.projects.getProject(projectId))?.settings.defaultSender,
        onTemplateError: (projectId, error) =>
          options.logger.warn({ projectId, reason: error.message }, 'Register template failed to render; sent the built-in verification email'),
      }),
    }),
    eventHub,
    webhooks,
    webhookDispatcher,
    pruner,
    async close() {
      await pruner.stop();
      await webhookDispatcher.stop();
      await eventHub.close();
      await renderPool.close();
      await engine.close();
    },
    users,
    drafts,
    accept,
    outboxQueries,
    outboxEditor,
    resendSends,
    idempotency,
    suppressions,
    inbox,
    typedSend,
    outboxBrowser: createOutboxBrowser({ store: store.outboxBrowse, now: () => clock.now() }),
    inboxAdmin: createInboxAdmin({ store: store.capturedAdmin }),
    consoleSessions: createConsoleSessions({ store: store.consoleSessions, clock, authenticateKey: (key) => projects.authenticateKey(key) }),
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

/**
 * This process's metrics, and its separate /metrics listener when MAILROOM_METRICS_PORT is set.
 * `workers` is read at scrape time, so it may be filled in after the metrics exist.
 */
export async function startMetrics(core: Core, workers: () => WorkerPool | undefined): Promise<{ metrics: Metrics; server: MetricsServer | undefined }> {
  const metrics = createMetrics({
    reader: core.store.metrics,
    clock: core.clock,
    cacheMs: core.config.metricsCacheMs,
    smtpConnectionsOpen: () => workers()?.openConnections() ?? 0,
  });
  const port = core.config.metricsPort;
  const server = port === undefined ? undefined : await startMetricsServer(metrics, { host: core.config.metricsHost, port, logger: core.logger });
  return { metrics, server };
}

export interface Mailroom {
  core: Core;
  /** The separate /metrics listener (MAILROOM_METRICS_PORT); `port` is the bound port. */
  metricsServer: MetricsServer | undefined;
  app: FastifyInstance;
  /** The delivery workers of this process (none when MAILROOM_WORKERS=0). */
  workers: WorkerPool | undefined;
  /** The SMTP ingest listener (SMTP_INGEST_PORT); `port` is the bound port. */
  ingest: SmtpIngest | undefined;
  /** Stops accepting requests and SMTP mail, finishes in-flight requests, DATA and sends, closes the database. */
  close(): Promise<void>;
}

/** The whole service: core plus the HTTP API. */
export async function createMailroom(config: Config, options: CoreOptions): Promise<Mailroom> {
  const core = await createCore(config, options);
  let workers: WorkerPool | undefined;
  let metrics: Awaited<ReturnType<typeof startMetrics>>;
  try {
    metrics = await startMetrics(core, () => workers);
  } catch (error) {
    await core.close();
    throw error;
  }
  const auth = createAuthenticator({ projects: core.projects, verifyUserToken: core.userTokens.verify });
  const app = await buildApp(
    {
      clock: core.clock,
      auth,
      projects: core.projects,
      userTokens: core.userTokens,
      verification: core.verification,
      blocks: core.templating.blocks,
      templates: core.templating.templates,
      typedTemplates: core.templating.typedTemplates,
      preview: core.templating.preview,
      checkReady: () => core.store.ping(),
      databaseKnownDown: () => core.store.knownDown(),
      rootKey: config.rootKey,
      bodyLimit: config.bodyLimit,
      resendRateLimit: config.resendRateLimit,
      eventHub: core.eventHub,
      webhooks: core.webhooks,
      eventsPingMs: config.eventsPingMs,
      eventsMaxBufferedBytes: config.eventsMaxBufferedBytes,
      users: core.users,
      drafts: core.drafts,
      accept: core.accept,
      outboxQueries: core.outboxQueries,
      outboxEditor: core.outboxEditor,
      resendSends: core.resendSends,
      fetchAttachment: (url: string) => fetchAttachment(url, { policy: config.webhookAllowPrivate, timeoutMs: 10_000, maxBytes: sendLimits.maxAttachmentBytes }),
      idempotency: core.idempotency,
      typedSend: core.typedSend,
      suppressions: core.suppressions,
      inbox: core.inbox,
      publicUrl: config.publicUrl,
      unsubscribe: createOneClickUnsubscribe({ projects: core.projects, suppressions: core.suppressions }),
      outboxBrowser: core.outboxBrowser,
      inboxAdmin: core.inboxAdmin,
      consoleSessions: core.consoleSessions,
      deliveryMode: config.smtpUrl ? 'relay' : 'capture',
      transport: describeTransport(config),
      metrics: metrics.metrics,
      metricsToken: config.metricsToken,
      requestCounter: core.store.requestCounter,
      requestLimits: config.requestLimits,
    },
    { logger: options.logger },
  );
  try {
    await core.eventHub.start();
  } catch (error) {
    await app.close();
    await metrics.server?.close();
    await core.close();
    throw error;
  }
  core.webhookDispatcher.start();
  if (config.retention.intervalMs > 0) core.pruner.start(config.retention.intervalMs);
  workers = config.workers > 0 ? await startDelivery(core, config.workers) : undefined;
  let ingest: SmtpIngest | undefined;
  if (config.smtpIngestPort !== undefined) {
    try {
      ingest = await startSmtpIngest({
        host: config.host,
        port: config.smtpIngestPort,
        sizeLimit: config.bodyLimit,
        authenticateKey: (key) => core.projects.authenticateKey(key),
        authFailures: core.store.smtpAuthFailures,
        accept: core.accept.accept,
        idempotency: core.idempotency,
        logger: options.logger,
      });
    } catch (error) {
      await app.close();
      await workers?.stop();
      await metrics.server?.close();
      await core.close();
      throw error;
    }
  }
  let closing: Promise<void> | undefined;
  return {
    core,
    app,
    workers,
    ingest,
    metricsServer: metrics.server,
    close() {
      closing ??= (async () => {
        await ingest?.close();
        await app.close();
        await workers?.stop();
        await metrics.server?.close();
        await core.close();
      })();
      return closing;
    },
  };
}
