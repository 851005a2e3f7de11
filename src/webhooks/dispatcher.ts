/**
 * The webhook dispatcher: an async loop that leases due deliveries in batches
 * and sends them concurrently, at most `perEndpoint` at a time per endpoint,
 * so a receiver that is down (or slow, up to the timeout) only ever holds its
 * own slots. Each attempt is recorded; failures are retried on the schedule,
 * then the delivery is marked failed.
 */
import type { Clock } from '../core/clock.js';
import type { EgressMode as PrivateTargetPolicy } from '../core/egress/policy.js';
import type { AttemptOutcome, ClaimedDelivery, WebhookStore } from '../core/webhooks/types.js';
import { postWebhook } from './post-webhook.js';

export interface DispatcherOptions {
  store: WebhookStore;
  clock: Clock;
  /** Delay before retry n (ms); after the last one the delivery fails. */
  retrySchedule: readonly number[];
  timeoutMs: number;
  perEndpoint: number;
  /** Most requests in flight in this process. */
  maxInFlight: number;
  pollMs: number;
  policy: PrivateTargetPolicy;
  /** Finished deliveries are kept this long in the log. */
  logRetentionMs: number;
  onError(error: unknown, context: string): void;
}

const pruneEveryMs = 60 * 60 * 1000;

export function createWebhookDispatcher(o: DispatcherOptions) {
  const inFlight = new Map<string, Promise<void>>();
  const stopController = new AbortController();
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let loop: Promise<void> | undefined;
  let lastPrune = 0;

  function wake(): void {
    woken = true;
    wakeUp?.();
  }

  function sleep(ms: number): Promise<void> {
    if (woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = finish;
    });
  }

  function outcomeOf(delivery: ClaimedDelivery, startedAt: number, status: number | null, body: string | null, error: string | null): AttemptOutcome {
    const attempt = delivery.attempts + 1;
    const ok = status !== null && status >= 200 && status < 300 && error === null;
    const retryDelay = o.retrySchedule[attempt - 1];
    return {
      deliveryId: delivery.id,
      attempt: {
        attempt,
        startedAt,
        durationMs: Math.max(0, o.clock.now() - startedAt),
        responseStatus: status,
        responseBody: body,
        error: ok ? null : (error ?? `receiver answered ${status}`),
      },
      status: ok ? 'succeeded' : retryDelay === undefined ? 'failed' : 'pending',
      nextAttemptAt: ok || retryDelay === undefined ? null : o.clock.now() + retryDelay,
    };
  }

  async function send(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = o.clock.now();
    const result = await postWebhook({
      url: delivery.url,
      messageId: delivery.id,
      secret: delivery.secret,
      body: delivery.payload,
      timeoutMs: o.timeoutMs,
      policy: o.policy,
      signal: stopController.signal,
      now: new Date(startedAt),
    });
    if (stopController.signal.aborted) {
      // Cut short by shutdown: not the receiver's fault, so not an attempt; another dispatcher (or the next start) sends it.
      await o.store.release([delivery.id]);
      return;
    }
    await o.store.recordAttempt(outcomeOf(delivery, startedAt, result.status, result.body, result.error), o.clock.now());
  }

  function start(delivery: ClaimedDelivery): void {
    const task = send(delivery)
      .catch((error: unknown) => o.onError(error, `webhook delivery ${delivery.id} could not be recorded`))
      .finally(() => {
        inFlight.delete(delivery.id);
        // A freed slot may let a waiting delivery of the same endpoint go.
        wake();
      });
    inFlight.set(delivery.id, task);
  }

  async function tick(): Promise<void> {
    const now = o.clock.now();
    if (now - lastPrune > pruneEveryMs) {
      lastPrune = now;
      await o.store.pruneFinished(now - o.logRetentionMs);
    }
    const room = o.maxInFlight - inFlight.size;
    if (room <= 0) return;
    const claimed = await o.store.claimDue({ now, leaseUntil: now + o.timeoutMs + 30_000, limit: room, perEndpoint: o.perEndpoint });
    for (const delivery of claimed) start(delivery);
  }

  async function run(): Promise<void> {
    while (!stopController.signal.aborted) {
      woken = false;
      try {
        await tick();
      } catch (error) {
        o.onError(error, 'webhook dispatcher tick failed');
      }
      if (stopController.signal.aborted) break;
      await sleep(o.pollMs);
    }
  }

  return {
    start(): void {
      loop ??= run();
    },
    /** Look for due deliveries now rather than at the next poll. */
    wake,
    /** Stops claiming, cuts in-flight requests short (their leases are given back) and waits for them. */
    async stop(): Promise<void> {
      stopController.abort();
      wake();
      await loop;
      await Promise.all(inFlight.values());
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
