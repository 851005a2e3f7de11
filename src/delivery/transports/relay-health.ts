import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, BrokenCircuitError } from 'cockatiel';
import type { Logger } from 'pino';

export interface RelayHealthOptions {
  /** The relay without credentials, e.g. smtp:mail.example.com:587 (logged with every failure). */
  relay: string;
  logger: Logger;
  /** Consecutive connection failures that open the circuit. */
  threshold?: number;
  /** First wait before a probe connection; doubles up to maxProbeDelayMs while probes fail. */
  probeDelayMs?: number;
  maxProbeDelayMs?: number;
  /** At most one failure log line per this interval (the rest are counted in the next line). */
  logEveryMs?: number;
  /** Failures that last longer than this are logged at error level instead of warn. */
  escalateAfterMs?: number;
  now?: () => number;
}

/**
 * Connection-level health of one relay: opening connections (connect, TLS,
 * greeting, authentication) goes through a circuit breaker, so a relay that is
 * down is not hammered with a new connection per message: after `threshold`
 * failures in a row the circuit opens, opens fail at once (the messages are
 * deferred with their own backoff), and after a growing delay one probe
 * connection is let through; its success closes the circuit again.
 *
 * Failures are logged with the relay, at most once per `logEveryMs`, as warn
 * and as error once they have lasted `escalateAfterMs`.
 */
export function createRelayHealth(options: RelayHealthOptions) {
  const now = options.now ?? Date.now;
  const logEveryMs = options.logEveryMs ?? 10_000;
  const escalateAfterMs = options.escalateAfterMs ?? 60_000;
  // Waiting for a cross-process connection slot is contention here, not a relay failure.
  const relayFault = handleWhen((error) => (error as { code?: string }).code !== 'ESLOTS');
  const breaker = circuitBreaker(relayFault, {
    halfOpenAfter: new ExponentialBackoff({ initialDelay: options.probeDelayMs ?? 1000, maxDelay: options.maxProbeDelayMs ?? 30_000 }),
    breaker: new ConsecutiveBreaker(options.threshold ?? 3),
  });
  let failingSince: number | undefined;
  let lastLog = -Infinity;
  let unlogged = 0;

  breaker.onBreak(() => options.logger.warn({ relay: options.relay }, 'SMTP relay circuit opened: connections paused, a probe will retry'));
  breaker.onHalfOpen(() => options.logger.info({ relay: options.relay }, 'SMTP relay circuit half-open: probing with one connection'));
  breaker.onReset(() => {
    if (failingSince !== undefined) options.logger.info({ relay: options.relay, downMs: now() - failingSince }, 'SMTP relay reachable again');
    failingSince = undefined;
    unlogged = 0;
  });

  function logFailure(error: unknown): void {
    const at = now();
    failingSince ??= at;
    if (at - lastLog < logEveryMs) {
      unlogged++;
      return;
    }
    const persisting = at - failingSince >= escalateAfterMs;
    const e = error as { code?: string; message?: string };
    const fields = { relay: options.relay, code: e.code, error: e.message, failingForMs: at - failingSince, suppressedSinceLastLog: unlogged };
    if (persisting) options.logger.error(fields, 'SMTP relay failing');
    else options.logger.warn(fields, 'SMTP relay connection failed');
    lastLog = at;
    unlogged = 0;
  }

  return {
    /** Opens a connection through the breaker; an open circuit fails at once with code ECIRCUIT. */
    async open<T>(connect: () => Promise<T>): Promise<T> {
      try {
        return await breaker.execute(connect);
      } catch (error) {
        if ((error as { code?: string }).code === 'ESLOTS') throw error;
        if (error instanceof BrokenCircuitError) {
          throw Object.assign(new Error(`SMTP relay ${options.relay} is failing; circuit open until a probe connection succeeds`), { code: 'ECIRCUIT' });
        }
        logFailure(error);
        throw error;
      }
    },
    /** A connection that died mid-session counts for the log, not for the breaker (which judges opening). */
    logFailure,
    get state() {
      return breaker.state;
    },
  };
}

export type RelayHealth = ReturnType<typeof createRelayHealth>;
