/**
 * What every route does before its body is read: count the client address,
 * authenticate, count the key. Routes declare authentication as a preHandler
 * (auth.require); the onRoute hook here moves it to onRequest, so an
 * unauthenticated request is answered 401 without its body being parsed, and
 * routes added by any family later get the same order without knowing it.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions, onRequestAsyncHookHandler } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Clock } from '../../core/clock.js';
import { MailroomError } from '../../core/errors.js';
import { keyLimitFor, type RequestCounter, type RequestLimits } from '../../core/ratelimit/request-limits.js';
import { isAuthHook } from './auth.js';
import { authenticatedRoutes } from './error-responses.js';

export interface GuardDeps {
  clock: Clock;
  counter: RequestCounter;
  limits: RequestLimits;
  /** A project's settings.requestsPerMinute, if it sets one. */
  projectRequestsPerMinute: (projectId: string) => Promise<number | undefined>;
}

/** Paths that probes and the docs use; they are never limited. */
const unlimited = /^\/(healthz|readyz|docs)(\/|$|\?)/;

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * A refused request's body is never read: the connection is closed after the
 * answer instead of draining what the client is still sending.
 */
function closingOnRefusal(hook: onRequestAsyncHookHandler): onRequestAsyncHookHandler {
  return async function (request, reply) {
    try {
      await hook.call(this, request, reply);
    } catch (error) {
      if (request.headers['content-length'] !== '0' && (request.headers['content-length'] || request.headers['transfer-encoding'])) {
        reply.header('connection', 'close');
      }
      throw error;
    }
  };
}

/**
 * The rate-limit store over the database counter, shared by every process: @fastify/rate-limit keeps
 * the headers and the 429. `namespace` keeps one limiter's keys apart from another's.
 */
export function databaseStore(deps: { counter: RequestCounter; clock: Clock }, defaultWindowMs: number, namespace = '') {
  return class DatabaseStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow = defaultWindowMs): void {
      deps.counter.hit(namespace + key, timeWindow, deps.clock.now()).then(
        (result) => callback(null, result),
        (error: Error) => callback(error),
      );
    }
    child() {
      return this;
    }
  };
}

export async function registerRouteGuards(app: FastifyInstance, deps: GuardDeps): Promise<void> {
  await app.register(rateLimit, { global: false, store: databaseStore(deps, deps.limits.windowMs), timeWindow: deps.limits.windowMs });
  // Cached briefly: a project's limit is read once per few seconds, not once per request.
  const projectLimits = new Map<string, { value: number | undefined; until: number }>();
  async function keyLimit(request: FastifyRequest): Promise<number> {
    const projectId = request.principal?.projectId;
    if (!projectId) return deps.limits.perKey;
    const now = deps.clock.now();
    let cached = projectLimits.get(projectId);
    if (!cached || cached.until < now) {
      cached = { value: await deps.projectRequestsPerMinute(projectId), until: now + 5_000 };
      if (projectLimits.size > 10_000) projectLimits.clear();
      projectLimits.set(projectId, cached);
    }
    return keyLimitFor(deps.limits, cached.value);
  }

  /** A hook counting the request under `limiter`; over the limit it is a RATE_LIMITED error (429 with Retry-After). */
  function limitHook(limiter: ReturnType<FastifyInstance['createRateLimit']>, what: string): onRequestAsyncHookHandler {
    return async (request, reply) => {
      const result = await limiter(request);
      if (result.isAllowed) return;
      reply.header('x-ratelimit-limit', result.max).header('x-ratelimit-remaining', result.remaining);
      if (!result.isExceeded) return;
      throw new MailroomError('RATE_LIMITED', `too many requests ${what}: at most ${result.max} per ${result.timeWindow / 1000} s`, {
        retryAfterSeconds: Math.max(1, result.ttlInSeconds),
      });
    };
  }

  const perAddress =
    deps.limits.perAddress > 0
      ? limitHook(app.createRateLimit({ max: deps.limits.perAddress, keyGenerator: (request) => `ip:${request.ip}` }), 'from this address')
      : undefined;
  // The key's limit is looked up first: 0 (no default and no project setting) means the key is not counted.
  const keyLimits = new WeakMap<FastifyRequest, number>();
  const countKey = limitHook(
    app.createRateLimit({
      max: async (request) => keyLimits.get(request) ?? deps.limits.perKey,
      keyGenerator: (request) => `key:${request.principal?.keyId || `user:${request.principal?.userId}`}`,
    }),
    'with this key',
  );
  const perKey: onRequestAsyncHookHandler = async function (request, reply) {
    const max = await keyLimit(request);
    if (max <= 0) return;
    keyLimits.set(request, max);
    return countKey.call(this, request, reply);
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const preHandlers = asArray(route.preHandler);
    const auth = preHandlers.filter(isAuthHook) as unknown as onRequestAsyncHookHandler[];
    const hooks: onRequestAsyncHookHandler[] = [];
    if (perAddress && !unlimited.test(route.url)) hooks.push(perAddress);
    if (auth.length > 0) {
      hooks.push(...auth.map(closingOnRefusal));
      hooks.push(perKey);
      route.preHandler = preHandlers.filter((hook) => !isAuthHook(hook));
      authenticatedRoutes.add(route);
    }
    if (hooks.length > 0) route.onRequest = [...hooks, ...asArray(route.onRequest)] as RouteOptions['onRequest'];
  });
}
