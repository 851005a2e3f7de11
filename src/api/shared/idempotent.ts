import type { FastifyReply, FastifyRequest } from 'fastify';
import { fingerprint, type Idempotency } from '../../core/idempotency/idempotency.js';
import type { StoredResponse } from '../../core/idempotency/types.js';
import { principalOf } from './auth.js';

/**
 * Runs a send handler under the request's `Idempotency-Key`, if any: a replay
 * answers with the first response (and `idempotent-replayed: true`) and runs nothing.
 */
export async function idempotent(
  idempotency: Idempotency,
  request: FastifyRequest,
  reply: FastifyReply,
  handle: () => Promise<StoredResponse>,
): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  const route = `${request.method} ${request.url.split('?')[0]}`;
  const result = await idempotency.run(principalOf(request).projectId, key, fingerprint(route, request.body), handle);
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.code(result.status).send(result.body);
}

/** The header as the OpenAPI document shows it. */
export const idempotencyHeaderSchema = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } },
} as const;
