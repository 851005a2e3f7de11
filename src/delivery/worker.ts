import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { AppliedChange, DeliveryStore, HandOff, Outcome, SharedText } from '../core/delivery/types.js';
import type { EventBus } from '../core/events.js';
import type { OutboxMessage } from '../core/outbox/types.js';
import { isMailroomError } from '../core/errors.js';
import type { DeliveryConfig } from '../config.js';
import type { ProjectCache } from './project-cache.js';
import type { RateLimiter } from './rate-limit.js';
import { renderBatch, type ReadyToSend, type RenderDeps } from './render-batch.js';
import { outcomeOf } from './outcome.js';
import { groupCommit } from '../core/group-commit.js';
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

/** PostgreSQL aborted the transaction to break a deadlock or a serialization conflict: nothing was written. */
const abortedByDatabase = (error: unknown) => ['40P01', '40001'].includes((error as { code?: string }).code ?? '');

/** How long a list of projects with due work is reused before asking the database again. */
const dueProjectsTtlMs = 200;

/**
 * One delivery worker: claim a batch -> render -> for each message, once the
 * transport is ready for it: CAS to `sending` (the hand-off) -> send -> record
 * the outcome, then again; sleeps when idle until woken (new work, a retry
 * coming due, a lease expiring) or the poll interval passes.
 *
 * Hand-offs and outcomes are written per message as they happen, grouped with
 * whatever else is being written at that moment, so a crash leaves unknown only
 * the messages really between hand-off and recorded outcome (the transport
 * bounds them to twice its connections), not the claimed batch.
 */
export function createWorker(deps: WorkerDeps) {
  const { store, clock, config } = deps;
  let stopping = false;
  /** Past the shutdown deadline: replies still arriving are no longer recorded (their rows were interrupted). */
  let abandoned = false;
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
      for (const r of rows) held.add(r.id);
      emit(rows.map((r) => ({ id: r.id, projectId, status: 'rendering', reason: null })), now);
      claimed.push(...rows);
    }
    return claimed;
  }

  /**
   * Hand-offs (true when the row went to `sending`) and outcomes, written as they
   * happen and grouped into one transaction with whatever else is being written
   * then: one commit carries the replies that just came back and the messages
   * about to go out on the connections they freed.
   */
  const progress = groupCommit(async (items: ({ handOff: HandOff } | { outcome: Outcome })[]): Promise<boolean[]> => {
    const handOffs = items.flatMap((i) => ('handOff' in i ? [i.handOff] : []));
    // Past the shutdown deadline the rows in flight were recorded as interrupted; late replies are not.
    const outcomes = abandoned ? [] : items.flatMap((i) => ('outcome' in i ? [i.outcome] : []));
    const at = clock.now();
    const write = () => store.recordProgress(deps.owner, at, { handOffs, outcomes });
    // Outcomes of mail that went out outlive a database outage (see untilRecorded); hand-offs alone fail fast.
    const applied = outcomes.length > 0 ? await untilRecorded(write, at + config.leaseMs) : await write();
    emit(applied, at);
    const sending = new Set(applied.filter((c) => c.status === 'sending').map((c) => c.id));
    return items.map((i) => ('handOff' in i ? sending.has(i.handOff.id) : true));
  }, abortedByDatabase);
  const handOff = (h: HandOff) => progress({ handOff: h });
  const record = async (outcome: Outcome) => void (await progress({ outcome }));

  /** One message: wait for the transport, hand off right before it goes out, send, record. */
  async function deliverOne(r: ReadyToSend, content: HandOff): Promise<void> {
    const transport = deps.transports.for(r.project.settings);
    // Built now (off the event loop), so the bytes are ready when the transport has room for the message.
    const prepared = transport.prepare(r.mail);
    const rate = r.project.settings.rateLimitPerSecond;
    if (stopping) return;
    await transport.inFlight(async () => {
      if (stopping) return;
      let handedOffAt = 0;
      let marked: Promise<boolean> | undefined;
      const mark = () =>
        (marked ??= (async () => {
          // The project's rate is taken here, with the connection ready, so what the relay sees keeps to it.
          if (rate) await deps.rateLimiter.handOffTurn(r.project.id, rate, () => clock.now());
          // A stopping worker starts nothing new; its unsent rows were given back.
          if (stopping) return false;
          handedOffAt = clock.now();
          return handOff(content);
        })());
      const result = await transport.send(prepared, { projectId: r.project.id, outboxMessageId: r.message.id, recipient: r.to }, mark);
      // A transport that failed before its hand-off point still owes the row an attempt.
      if (result === undefined || !(await mark())) return;
      await record(
        outcomeOf({
          id: r.message.id,
          projectId: r.project.id,
          recipient: r.to,
          attempt: r.message.attempts + 1,
          startedAt: handedOffAt,
          now: clock.now(),
          result,
          policy: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, maxAttempts: config.maxAttempts },
        }),
      );
    }).catch((error: unknown) => {
      // A row handed off keeps its lease, and recovery counts it as interrupted. One whose hand-off failed is still
      // `rendering` under this worker: given back with the strays once its batch is over and the database answers.
      deps.logger.error({ err: error, owner: deps.owner, messageId: r.message.id }, 'handing off or recording a delivery failed');
      straysSince = clock.now();
    });
  }

  async function deliver(batch: OutboxMessage[]): Promise<void> {
    const byProject = new Map<string, OutboxMessage[]>();
    for (const m of batch) {
      const messages = byProject.get(m.projectId);
      if (messages) messages.push(m);
      else byProject.set(m.projectId, [m]);
    }
    const ready = new Map<string, ReadyToSend>();
    const results = { skips: [], renderErrors: [], handOffs: [] } as Awaited<ReturnType<typeof renderBatch>>['results'];
    for (const [projectId, messages] of byProject) {
      const rendered = await renderBatch(deps, await deps.projects.get(projectId), messages);
      results.skips.push(...rendered.results.skips);
      results.renderErrors.push(...rendered.results.renderErrors);
      results.handOffs.push(...rendered.results.handOffs);
      for (const [id, r] of rendered.ready) ready.set(id, r);
    }
    // Skips and render errors end now; each hand-off is a CAS of its own when its turn comes
    // (rows paused or cancelled meanwhile fail it and are dropped).
    // The text part a content's hand-offs share is kept on the content once: one hand-off of each content says it.
    const sharedTexts = new Map<string, SharedText>();
    for (const h of results.handOffs) {
      const contentId = ready.get(h.id)!.message.contentId;
      if (!sharedTexts.has(contentId)) sharedTexts.set(contentId, { contentId, text: h.text });
    }
    const renderedAt = clock.now();
    emit(await store.finishRendering(deps.owner, renderedAt, { ...results, handOffs: [], sharedTexts: [...sharedTexts.values()] }), renderedAt);
    await Promise.all(results.handOffs.map((h) => deliverOne(ready.get(h.id)!, h)));
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

  /** Ids of the rows this worker knows it holds: the batches in hand. */
  const held = new Set<string>();

  /** A slow relay must not let the lease run out under batches that are still being sent. */
  function renewLeases(): NodeJS.Timeout {
    return setInterval(() => {
      if (held.size === 0) return;
      store.extendLeases(deps.owner, clock.now() + config.leaseMs, [...held]).catch((error: unknown) => deps.logger.warn({ err: error }, 'lease renewal failed'));
    }, Math.max(50, Math.floor(config.leaseMs / 3)));
  }

  /** Batches being rendered or sent; the next one is claimed and rendered while the previous one goes out. */
  const inHand = new Set<Promise<void>>();
  const maxInHand = 2;

  /**
   * Since when rows may be leased to this worker without its knowing: a claim whose reply was lost (a
   * database frozen during COMMIT commits it when it wakes up) or a failed batch whose release failed.
   * Until a lease has passed since, such strays are given back every couple of seconds, so they go out
   * within seconds of the database's return instead of after their lease; after that the lease rules have them.
   */
  let straysSince: number | undefined;
  let straysCheckedAt = 0;
  const straysReason = 'released by a worker that did not know it held it (a claim reply lost to a database fault)';

  async function releaseStrays(now: number): Promise<void> {
    if (straysSince === undefined || now - straysCheckedAt < 2000) return;
    if (now - straysSince > config.leaseMs) {
      straysSince = undefined;
      return;
    }
    straysCheckedAt = now;
    emit(await store.releaseLeases(deps.owner, now, { keep: [...held], reason: straysReason }), now);
  }

  function start(batch: OutboxMessage[]): void {
    const work: Promise<void> = deliver(batch)
      .catch(async (error: unknown) => {
        deps.logger.error({ err: error, owner: deps.owner }, 'delivery batch failed; its messages are released');
        for (const m of batch) held.delete(m.id);
        // Only rows not yet handed off go back; a hand-off still pending fails its compare-and-set.
        const released = await store.releaseLeases(deps.owner, clock.now(), { keep: [...held], reason: 'released after its batch failed' }).catch(() => {
          straysSince = clock.now();
          return [];
        });
        emit(released, clock.now());
      })
      .finally(() => {
        for (const m of batch) held.delete(m.id);
        inHand.delete(work);
      });
    inHand.add(work);
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
    const renewal = renewLeases();
    try {
      while (!stopping) {
        try {
          if (inHand.size >= maxInHand) {
            await Promise.race(inHand);
            continue;
          }
          const now = clock.now();
          await releaseStrays(now);
          await recover(now);
          const batch = await claim(now);
          if (batch.length > 0) start(batch);
          else if (inHand.size > 0) await Promise.race([...inHand, idle(now)]);
          else await idle(now);
        } catch (error) {
          // Never fatal: a database outage ends up here too; back off, then claim again. A claim that
          // committed without our hearing of it left rows in `rendering` under this owner: see releaseStrays.
          deps.logger.error({ err: error, owner: deps.owner }, 'claiming failed');
          straysSince = clock.now();
          await new Promise((resolve) => setTimeout(resolve, Math.min(config.pollMs, 1000)));
        }
      }
      await Promise.all(inHand);
    } finally {
      clearInterval(renewal);
    }
  }

  async function releaseOnStop(): Promise<void> {
    try {
      emit(await store.releaseLeases(deps.owner, clock.now()), clock.now());
    } catch (error) {
      // The database is gone: the leases expire and another worker recovers the rows.
      deps.logger.warn({ err: error, owner: deps.owner }, 'could not release leases on stop; they will expire');
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
    /**
     * Stops claiming and gives back at once what was not handed off; waits for
     * replies in flight until `deadline`, then records what is still out as
     * `interrupted` (queued again, possible duplicate) and returns.
     */
    async stop(deadline: number): Promise<void> {
      stopping = true;
      stoppedAt = clock.now();
      wakeUp?.();
      await releaseOnStop();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        (running ?? Promise.resolve()).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - clock.now())))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        abandoned = true;
        const now = clock.now();
        const recovered = await store.interruptOwned(deps.owner, now, config.maxAttempts).catch((error: unknown) => {
          deps.logger.warn({ err: error, owner: deps.owner }, 'could not record interrupted sends on stop; their leases will expire');
          return { requeued: [], interrupted: [], gaveUp: [] };
        });
        const { requeued, interrupted, gaveUp } = recovered;
        if (interrupted.length || gaveUp.length) deps.logger.warn({ owner: deps.owner, interrupted: interrupted.length, gaveUp: gaveUp.length }, 'shutdown deadline reached with SMTP replies outstanding');
        emit([...requeued, ...interrupted, ...gaveUp], now);
      } else {
        await releaseOnStop();
      }
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;
