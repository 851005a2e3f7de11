import type { Clock } from '../../core/clock.js';
import type { ConnectionSlots } from '../../core/delivery/types.js';
import { noDelaySocket } from './no-delay-socket.js';

type GetSocket = typeof noDelaySocket;

export interface SlotOptions {
  slots: ConnectionSlots;
  /** The relay, e.g. smtp:mail.example.com:587 */
  key: string;
  cap: number;
  owner: string;
  clock: Clock;
  /** How long a slot is held without renewal (a crashed process frees its slots after this). */
  leaseMs: number;
  /** How long to wait for a free slot before the attempt fails (and is retried later). */
  waitMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wraps the pool's socket factory: a connection opens only after it has leased
 * one of the relay's `cap` slots in the database, renews it while open and
 * releases it on close. This makes the connection cap hold across every worker
 * process, not just within one pool.
 */
export function slottedSocket(options: SlotOptions, connect: GetSocket = noDelaySocket): GetSocket {
  async function acquire(): Promise<number> {
    const deadline = options.clock.now() + options.waitMs;
    for (;;) {
      const slot = await options.slots.acquire(options.key, options.cap, options.owner, options.clock.now(), options.leaseMs);
      if (slot !== undefined) return slot;
      if (options.clock.now() > deadline) {
        // ESLOTS: local contention, not the relay's fault (the relay's circuit breaker ignores it).
        throw Object.assign(new Error(`all ${options.cap} connection slots for ${options.key} are busy`), { code: 'ESLOTS' });
      }
      await sleep(50);
    }
  }

  return (request, callback) => {
    acquire().then(
      (slot) => {
        const release = () => {
          clearInterval(renewal);
          options.slots.release(options.key, slot, options.owner).catch(() => {});
        };
        const renewal = setInterval(() => {
          options.slots.renew(options.key, slot, options.owner, options.clock.now() + options.leaseMs).catch(() => {});
        }, Math.max(100, Math.floor(options.leaseMs / 3)));
        renewal.unref();
        connect(request, (error, socketOptions) => {
          if (error || !socketOptions) {
            release();
            return callback(error ?? new Error('no socket'));
          }
          socketOptions.connection.once('close', release);
          callback(null, socketOptions);
        });
      },
      (error: Error) => callback(error),
    );
  };
}
