/**
 * Idempotency-Key for send endpoints: the same key and body within the window
 * replays the first response and creates nothing; another body under the same
 * key, or a retry while the first is still running, is a conflict (until `runningTimeoutMs`:
 * after that the first request is taken to have died). Keys are per project.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { invalidField, MailroomError } from '../errors.js';
import type { IdempotencyStore, StoredResponse } from './types.js';

export const idempotencyWindowMs = 24 * 60 * 60 * 1000;
/**
 * A send answers within seconds; a key still `running` after this long belongs to a request that
 * died (a crash or restart between claim and completion), so a retry may take the key over.
 */
export const runningTimeoutMs = 60 * 1000;
const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** Key order in JSON objects does not change what a request means. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function fingerprint(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(JSON.stringify(canonical(body ?? null))).digest('hex');
}

/**
 * The key a running request holds, seen by the commit under it (core/outbox/enqueue.ts), which
 * marks it `committed` in the same transaction as the messages. Carried by async context so the
 * many send routes need not thread it through every call.
 */
const keyInScope = new AsyncLocalStorage<string>();

/** The Idempotency-Key the current request claimed, if any. */
export function claimedIdempotencyKey(): string | undefined {
  return keyInScope.getStore();
}

/** How often, and for how long, a failed release or completion is retried while the database is away. */
const retryEveryMs = 1000;

export function createIdempotency(deps: { store: IdempotencyStore; clock: Clock; onError?: (error: unknown, what: string) => void }) {
  /**
   * A write about a key that failed (the database is away): retried in the background until it lands or
   * the key would count as stale anyway, so retries are not answered `in progress` for a minute after an outage.
   */
  function retryLater(what: string, write: () => Promise<void>): void {
    const giveUpAt = deps.clock.now() + runningTimeoutMs;
    const attempt = () => {
      write().catch((error: unknown) => {
        if (deps.clock.now() + retryEveryMs >= giveUpAt) return deps.onError?.(error, what);
        setTimeout(attempt, retryEveryMs).unref();
      });
    };
    setTimeout(attempt, retryEveryMs).unref();
  }


  return {
    /** Runs `handle` once per (project, key, request); a replay returns the stored response. */
    async run(
      projectId: string,
      key: string | undefined,
      requestHash: string,
      handle: () => Promise<StoredResponse>,
    ): Promise<StoredResponse & { replayed: boolean }> {
      if (key === undefined) return { ...(await handle()), replayed: false };
      if (!keyPattern.test(key)) throw invalidField('Idempotency-Key', 'must be 1-255 printable ASCII characters');
      const now = deps.clock.now();
      const claim = await deps.store.claim(projectId, key, requestHash, now, now + idempotencyWindowMs, now - runningTimeoutMs);
      if (!claim.claimed) {
        if (claim.requestHash !== requestHash) {
          throw new MailroomError('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used with a different request', { reason: 'different_request' });
        }
        if (claim.state === 'committed' && !claim.response) {
          // Its messages exist; the response is written just after, or was lost with the process that had it.
          throw new MailroomError('IDEMPOTENCY_CONFLICT', 'a request with this Idempotency-Key was accepted; its response is not available yet, and retrying will not send it again', { reason: 'in_progress' });
        }
        if (claim.state === 'running' || !claim.response) {
          throw new MailroomError('IDEMPOTENCY_CONFLICT', 'a request with this Idempotency-Key is still in progress', { reason: 'in_progress' });
        }
        return { ...claim.response, replayed: true };
      }
      let response: StoredResponse;
      try {
        response = await keyInScope.run(key, handle);
      } catch (error) {
        // The send failed as a whole, so the key is free for a corrected retry. If in fact its commit landed
        // (a connection lost during COMMIT), the key was marked `committed` with it and is kept.
        await deps.store.release(projectId, key).catch(() => retryLater('release', () => deps.store.release(projectId, key)));
        throw error;
      }
      // The messages are committed: the client gets its answer even if storing it has to wait for the database.
      await deps.store.complete(projectId, key, response).catch(() => retryLater('complete', () => deps.store.complete(projectId, key, response)));
      return { ...response, replayed: false };
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
