import type { FastifyInstance, FastifyReply } from 'fastify';
import { toMailroomError } from './to-mailroom-error.js';
import type { Family } from './families.js';

export function sendError(reply: FastifyReply, family: Family, error: unknown): FastifyReply {
  const mailroomError = toMailroomError(error);
  if (mailroomError.kind === 'internal') reply.log.error({ err: error }, 'request failed');
  const envelope = family.render(mailroomError);
  if (typeof mailroomError.details?.retryAfterSeconds === 'number') {
    reply.header('retry-after', String(mailroomError.details.retryAfterSeconds));
  }
  return reply.code(envelope.status).headers(envelope.headers ?? {}).send(envelope.body);
}

/** Gives an encapsulated plugin its family's error envelope. */
export function useFamilyErrors(app: FastifyInstance, family: Family): void {
  app.setErrorHandler((error, _request, reply) => sendError(reply, family, error));
}
