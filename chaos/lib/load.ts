/**
 * The client side of a scenario: sends `total` messages through POST
 * /mail/send in requests of `perRequest` recipients, each request retried
 * under its Idempotency-Key until it is accepted (so a commit whose answer was
 * lost is never sent twice), and records every HTTP exchange it made.
 */
import { randomUUID } from 'node:crypto';

export interface Exchange {
  what: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status; 0 when no answer came (network error or our own timeout). */
  status: number;
  retryAfter: string | null;
}

export interface LoadOptions {
  base: string;
  key: string;
  total: number;
  perRequest: number;
  concurrency: number;
  /** Pause between requests of one sender, ms (spreads the run over time). */
  pauseMs?: number;
  /** Give up on one answer after this long (the outage test wants 503 within 5 s; we wait longer to see it). */
  requestTimeoutMs?: number;
}

export interface Load {
  accepted: string[];
  exchanges: Exchange[];
  done: Promise<void>;
  stop(): void;
}

export async function timedFetch(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<Exchange & { body: unknown }> {
  const startedAt = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { what, startedAt, endedAt: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after'), body };
  } catch {
    return { what, startedAt, endedAt: Date.now(), status: 0, retryAfter: null, body: null };
  }
}

export function startLoad(o: LoadOptions): Load {
  const accepted: string[] = [];
  const exchanges: Exchange[] = [];
  let stopped = false;
  let next = 0;
  const requests = Math.ceil(o.total / o.perRequest);

  async function sender(): Promise<void> {
    while (!stopped) {
      const n = next++;
      if (n >= requests) return;
      const count = Math.min(o.perRequest, o.total - n * o.perRequest);
      const body = JSON.stringify({
        from: 'chaos@example.com',
        to: Array.from({ length: count }, (_, i) => `r${n * o.perRequest + i}@example.com`),
        subject: `chaos ${n}`,
        text: 'hello from the chaos run',
      });
      const idempotencyKey = randomUUID();
      for (;;) {
        if (stopped) return;
        const x = await timedFetch(
          `${o.base}/mail/send`,
          { method: 'POST', headers: { authorization: `Bearer ${o.key}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, body },
          o.requestTimeoutMs ?? 15_000,
          'POST /mail/send',
        );
        exchanges.push({ what: x.what, startedAt: x.startedAt, endedAt: x.endedAt, status: x.status, retryAfter: x.retryAfter });
        if (x.status >= 200 && x.status < 300) {
          accepted.push(...((x.body as { ids: string[] }).ids ?? []));
          break;
        }
        await new Promise((r) => setTimeout(r, x.status === 503 ? 250 : 500));
      }
      if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  }

  const done = Promise.all(Array.from({ length: o.concurrency }, sender)).then(() => undefined);
  return { accepted, exchanges, done, stop: () => (stopped = true) };
}

/**
 * Requests while the database is away: a send, a read, readiness and liveness,
 * every `everyMs`, until stopped. Each is recorded with its time to answer.
 */
export function startProbe(base: string, key: string, everyMs: number): { exchanges: Exchange[]; accepted: string[]; stop(): Promise<void> } {
  const exchanges: Exchange[] = [];
  const accepted: string[] = [];
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const fire = (what: string, path: string, init: RequestInit) => {
    const p = timedFetch(`${base}${path}`, init, 15_000, what).then((x) => {
      exchanges.push({ what: x.what, startedAt: x.startedAt, endedAt: x.endedAt, status: x.status, retryAfter: x.retryAfter });
      // A probe send that was accepted (before or after the outage) is mail like any other.
      if (what.startsWith('POST') && x.status >= 200 && x.status < 300) accepted.push(...((x.body as { ids?: string[] }).ids ?? []));
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(() => {
    if (stopped) return;
    fire('POST /mail/send', '/mail/send', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ from: 'probe@example.com', to: 'probe@example.com', subject: 'probe', text: 'probe' }),
    });
    fire('GET /mail/emails', '/mail/emails?limit=1', { headers: auth });
    fire('GET /api/v1/email/blocks', '/api/v1/email/blocks', { headers: auth });
    fire('GET /readyz', '/readyz', {});
    fire('GET /healthz', '/healthz', {});
  }, everyMs);
  return {
    exchanges,
    accepted,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
