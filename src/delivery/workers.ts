import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { CaptureStore, ConnectionSlots, DeliveryStore, WorkSignal } from '../core/delivery/types.js';
import type { EventBus } from '../core/events.js';
import type { Project } from '../core/projects/types.js';
import type { EmailRenderer } from '../core/templates/renderer.js';
import type { Config } from '../config.js';
import { createMimePool } from './mime-pool.js';
import { createProjectCache } from './project-cache.js';
import { createRateLimiter } from './rate-limit.js';
import { createTransportRegistry } from './transports/registry.js';
import { createWorker, type Worker } from './worker.js';

export interface DeliveryDeps {
  config: Config;
  store: DeliveryStore;
  captured: CaptureStore;
  workSignal: WorkSignal;
  connectionSlots: ConnectionSlots;
  getProject: (id: string) => Promise<Project>;
  renderer: EmailRenderer;
  events: EventBus;
  clock: Clock;
  logger: Logger;
}

export interface WorkerPool {
  readonly workers: readonly Worker[];
  wake(): void;
  /** SMTP connections to relays this process holds open. */
  openConnections(): number;
  /**
   * Stops claiming, gives back at once what was not handed off, waits for the replies in flight
   * until the shutdown deadline (MAILROOM_SHUTDOWN_TIMEOUT_MS), records the rest as `interrupted`, closes connections.
   */
  stop(): Promise<void>;
}

/** Starts `count` workers in this process, woken by new work here or (PostgreSQL) in any process. */
export async function startWorkers(deps: DeliveryDeps, count: number): Promise<WorkerPool> {
  const { config } = deps;
  const processId = `${hostname()}:${globalThis.process.pid}:${randomUUID().slice(0, 8)}`;
  // Off by default: on a saturated 2-core machine the thread hops cost more than they freed (docs/benchmarks.md).
  const mime = count > 0 && config.delivery.mimeThreads > 0 ? createMimePool({ threads: config.delivery.mimeThreads }) : undefined;
  const transports = createTransportRegistry({
    ...(mime ? { mime } : {}),
    smtpUrl: config.smtpUrl,
    maxConnections: config.delivery.smtpMaxConnections,
    connectionCap: config.delivery.smtpConnectionCap,
    timeoutMs: config.delivery.smtpTimeoutMs,
    capture: deps.captured,
    clock: deps.clock,
    slots: deps.connectionSlots,
    owner: processId,
    leaseMs: config.delivery.leaseMs,
    relayPolicy: config.webhookAllowPrivate,
    logger: deps.logger,
  });
  const shared = {
    store: deps.store,
    renderer: deps.renderer,
    publicUrl: config.publicUrl,
    fallbackSender: `mailroom@${new URL(config.publicUrl).hostname || 'localhost'}`,
    events: deps.events,
    clock: deps.clock,
    logger: deps.logger,
    config: config.delivery,
    projects: createProjectCache({ getProject: deps.getProject, clock: deps.clock }),
    rateLimiter: createRateLimiter(deps.store),
    transports,
  };
  const workers = Array.from({ length: count }, (_, i) => createWorker({ ...shared, owner: `${processId}:${i}` }));
  const wake = () => workers.forEach((w) => w.wake());
  const offLocal = deps.events.on('outbox:work', wake);
  const offRemote = await deps.workSignal.listen(wake);
  workers.forEach((w) => w.start());
  let stopping: Promise<void> | undefined;
  return {
    workers,
    wake,
    openConnections: () => transports.openConnections(),
    stop() {
      stopping ??= (async () => {
        offLocal();
        const deadline = deps.clock.now() + config.delivery.shutdownTimeoutMs;
        await Promise.all(workers.map((w) => w.stop(deadline)));
        await offRemote();
        await transports.close();
        await mime?.close();
      })();
      return stopping;
    },
  };
}
