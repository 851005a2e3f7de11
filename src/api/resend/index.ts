import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { MailroomError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { resendFamily } from '../shared/families.js';
import { databaseStore } from '../shared/route-guards.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { emailRoutes } from './emails.js';
import { sendRoutes } from './send.js';

/** The Resend-compatible family: `/emails...`, Resend's snake_case fields, `{statusCode, name, message}` errors. */
export async function resendApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, resendFamily);
  if (deps.resendRateLimit > 0) {
    // Resend's clients expect a per-key limit announced in ratelimit-* headers, and retry-after on 429.
    await app.register(rateLimit, {
      max: deps.resendRateLimit,
      timeWindow: 1000,
      // Counted in the database like every other limit, so all processes of a deployment share one budget.
      store: databaseStore({ counter: deps.requestCounter, clock: deps.clock }, 1000, 'resend:'),
      enableDraftSpec: true,
      keyGenerator: (request) => createHash('sha256').update(request.headers.authorization ?? request.ip).digest('base64url'),
      errorResponseBuilder: (_request, context) =>
        new MailroomError('RATE_LIMITED', `too many requests: at most ${context.max} per second per API key; retry after ${context.after}`, {
          retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
        }),
    });
  }
  sendRoutes(app, deps);
  emailRoutes(app, deps);
}
