import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { broadcastSchema } from './schemas.js';
import { toAcceptRequest, type MailMessageBody } from './to-accept-request.js';

/** The same content to up to 100,000 addresses, each its own message, committed in one bulk insert. */
export function broadcastRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: MailMessageBody & { to: string[] } }>(
    '/mail/broadcast',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['mail'],
        summary: 'Send the same email to many recipients; each gets their own message',
        headers: idempotencyHeaderSchema,
        body: broadcastSchema,
        response: {
          200: {
            type: 'object',
            properties: { batchId: { type: 'string' }, count: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } },
          },
          '4xx': errorSchemas.mail,
        },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const batchId = randomUUID();
        const { ids } = await deps.accept.accept(principalOf(request).projectId, {
          ...toAcceptRequest(request.body, 'broadcast', batchId),
          copies: 'refused',
          fields: { to: 'to' },
        });
        return { status: 200, body: { batchId, count: ids.length, ids } };
      }),
  );
}
