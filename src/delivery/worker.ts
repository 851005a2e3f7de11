import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { AppliedChange, DeliveryStore } from '../core/delivery/types.js';
import type { EventBus } from '../core/events.js';
import type { OutboxMessage } from '../core/outbox/types.js';
import { isMailroomError } from '../core/errors.js';
import type { DeliveryConfig } from '../config.js';
import type { ProjectCache } from './project-cache.js';
import type { RateLimiter } from './rate-limit.js';
import { renderBatch, type ReadyToSend, type RenderDeps } from './render-batch.js';
import { outcomeOf } from './outcome.js';
import type { TransportRegistry } from './transports/registry.js';

export interface WorkerDeps extends RenderDeps {
  owner: string;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  config: DeliveryConfig;
  projects: ProjectCache;
  rateLimiter: RateLimiter;
  transports: TransportRegistry;
}

/** How long a list of projects with due work is reused before asking the database again. */
const dueProjectsTtlMs = 200;

/**
 * One delivery worker: claim a batch -> render -> CAS to `sending` -> hand to
 * the transport -> record outcomes, then again; sleeps when idle until woken
 * (new work, a retry coming due, a lease expiring) or the poll interval passes.
 */
export function createWorker(deps: WorkerDeps) {
  const { store, clock, config } = deps;
  let stopping = false;
  let stoppedAt = 0;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let lastRecovery = 0;
  let due: { projectIds: string[]; until: number } = { projectIds: [], until: 0 };

  function emit(changes: readonly AppliedChange[], at: number): void {
    for (const c of changes) deps.events.emit('email:status', { projectId: c.projectId, messageId: c.id, status: c.status, reason: c.reason, at });
  }

  async function recover(now: number): Promise<void> {
    if (now - lastRecovery < Math.min(config.pollMs, config.leaseMs / 2)) return;
    lastRecovery = now;
    const { requeued, interrupted, gaveUp } = await store.recoverExpiredLeases(now, config.maxAttempts);
    if (requeued.length || interrupted.length || gaveUp.length) {
      deps.logger.warn({ requeued: requeued.length, interrupted: interrupted.length, gaveUp: gaveUp.length }, 'recovered messages from expired leases');
      emit([...requeued, ...interrupted, ...gaveUp], now);
    }
  }

  /** Shares one batch among the projects with due work, so one project's broadcast cannot starve another's codes. */
  async function claim(now: number): Promise<OutboxMessage[]> {
    if (woken || due.until <= now || due.projectIds.length === 0) {
      woken = false;
      emit(await store.promoteDue(now), now);
      due = { projectIds: (await store.dueProjects(now, config.batchSize)).map((p) => p.projectId), until: now + dueProjectsTtlMs };
    }
    const claimable = due.projectIds.filter((id) => deps.rateLimiter.blockedUntil(id, now) === undefined);
    if (claimable.length === 0) return [];
    const share = Math.max(1, Math.ceil(config.batchSize / claimable.length));
    const claimed: OutboxMessage[] = [];
    for (const projectId of claimable) {
      const rate = (await deps.projects.get(projectId)).settings.rateLimitPerSecond;
      const want = rate ? await deps.rateLimiter.take(projectId, rate, share, now) : share;
      if (want === 0) continue;
      const rows = await store.claimDue({ projectId, limit: want, owner: deps.owner, now, leaseUntil: now + config.leaseMs });
      if (rate && rows.length < want) await deps.rateLimiter.giveBack(projectId, rate, want - rows.length, now);
      // A project that gave fewer rows than asked has drained: look again next time.
      if (rows.length < want) due.until = 0;
      emit(rows.map((r) => ({ id: r.id, projectId, status: 'rendering', reason: null })), now);
      claimed.push(...rows);
    }
    return claimed;
  }

  async function deliver(batch: OutboxMessage[]): Promise<void> {
    const byProject = new Map<string, OutboxMessage[]>();
    for (const m of batch) byProject.set(m.projectId, [...(byProject.get(m.projectId) ?? []), m]);
    const ready = new Map<string, ReadyToSend>();
    const results = { skips: [], renderErrors: [], handOffs: [] } as Awaited<ReturnType<typeof renderBatch>>['results'];
    for (const [projectId, messages] of byProject) {
      const rendered = await renderBatch(deps, await deps.projects.get(projectId), messages);
      results.skips.push(...rendered.results.skips);
      results.renderErrors.push(...rendered.results.renderErrors);
      results.handOffs.push(...rendered.results.handOffs);
      for (const [id, r] of rendered.ready) ready.set(id, r);
    }
    // The hand-off CAS: rows paused or cancelled meanwhile are not among `applied` and are dropped.
    const handOffAt = clock.now();
    const applied = await store.finishRendering(deps.owner, handOffAt, results);
    emit(applied, handOffAt);
    const sending = applied.filter((c) => c.status === 'sending').map((c) => ready.get(c.id)!);
    const sent = await Promise.all(
      sending.map(async (r) => {
        const result = await deps.transports.for(r.project.settings).send(r.mail, { projectId: r.project.id, outboxMessageId: r.message.id, recipient: r.to });
        return outcomeOf({
          id: r.message.id,
          projectId: r.project.id,
          recipient: r.to,
          attempt: r.message.attempts + 1,
          startedAt: handOffAt,
          now: clock.now(),
          result,
          policy: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, maxAttempts: config.maxAttempts },
        });
      }),
    );
    const doneAt = clock.now();
    emit(await untilRecorded(() => store.recordOutcomes(deps.owner, doneAt, sent), handOffAt + config.leaseMs), doneAt);
  }

  /**
   * The mail has gone out: losing its outcome to a database outage would mean
   * resending it after the lease runs out. So while the database is unavailable
   * the outcome is retried (the lease still holds the rows) until the lease
   * would end, or 10 s once the worker is stopping.
   */
  async function untilRecorded<T>(record: () => Promise<T>, leaseEnds: number): Promise<T> {
    const stopDeadline = () => (stopping ? Math.min(leaseEnds, stoppedAt + 10_000) : leaseEnds);
    for (;;) {
      try {
        return await record();
      } catch (error) {
        const retryable = isMailroomError(error) && error.code === 'DATABASE_UNAVAILABLE';
        if (!retryable || clock.now() + 500 >= stopDeadline()) throw error;
        deps.logger.warn({ owner: deps.owner }, 'database unavailable while recording sent mail; retrying');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** A slow relay must not let the lease run out under a batch that is still being sent. */
  async function withLeaseRenewal(work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      store.extendLeases(deps.owner, clock.now() + config.leaseMs).catch((error: unknown) => deps.logger.warn({ err: error }, 'lease renewal failed'));
    }, Math.max(50, Math.floor(config.leaseMs / 3)));
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }

  async function idle(now: number): Promise<void> {
    const next = [await store.nextWakeAt(), deps.rateLimiter.nextUnblockAt()].filter((t): t is number => t !== null && t !== undefined);
    const delay = Math.max(5, Math.min(config.pollMs, ...next.map((t) => t - now)));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      if (stopping || woken) done();
    });
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        const now = clock.now();
        await recover(now);
        const batch = await claim(now);
        if (batch.length > 0) await withLeaseRenewal(() => deliver(batch));
        else await idle(now);
      } catch (error) {
        // Never fatal: a database outage ends up here too; back off, then claim again (its rows are released or their leases expire).
        deps.logger.error({ err: error, owner: deps.owner }, 'delivery batch failed; its messages are released');
        emit(await store.releaseLeases(deps.owner, clock.now()).catch(() => []), clock.now());
        await new Promise((resolve) => setTimeout(resolve, Math.min(config.pollMs, 1000)));
      }
    }
  }

  let running: Promise<void> | undefined;
  return {
    owner: deps.owner,
    start(): void {
      running ??= loop();
    },
    /** New work may exist: skip the rest of the idle sleep. */
    wake(): void {
      woken = true;
      wakeUp?.();
    },
    /** Finishes the batch in hand (its sends complete and are recorded), then gives back anything unsent. */
    async stop(): Promise<void> {
      stopping = true;
      stoppedAt = clock.now();
      wakeUp?.();
      await running;
      try {
        emit(await store.releaseLeases(deps.owner, clock.now()), clock.now());
      } catch (error) {
        // The database is gone: the leases expire and another worker recovers the rows.
        deps.logger.warn({ err: error, owner: deps.owner }, 'could not release leases on stop; they will expire');
      }
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
