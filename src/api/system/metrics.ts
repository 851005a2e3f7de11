import type { FastifyInstance } from 'fastify';
import { MailroomError } from '../../core/errors.js';
import { matchesSecret } from '../shared/auth.js';

export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

/**
 * `/metrics` on the API port, behind its own credential (MAILROOM_METRICS_TOKEN as a
 * Bearer token): never open to API keys or the public. Without a token it answers 404
 * saying how to turn it on (or use MAILROOM_METRICS_PORT for a separate listener).
 */
export async function metricsRoute(app: FastifyInstance, opts: { metrics: MetricsEndpoint | undefined; token: string | undefined }): Promise<void> {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!opts.metrics || !opts.token) {
      throw new MailroomError('ROUTE_NOT_FOUND', '/metrics is off on this listener: set MAILROOM_METRICS_TOKEN (then send it as a Bearer token), or MAILROOM_METRICS_PORT for a separate metrics listener');
    }
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!matchesSecret(presented, opts.token)) throw new MailroomError('UNAUTHENTICATED', '/metrics needs Authorization: Bearer <MAILROOM_METRICS_TOKEN>');
    const text = await opts.metrics.render();
    return reply.type(opts.metrics.contentType).send(text);
  });
}
