import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { mailEmailSchema, mailMessageSchema } from './schemas.js';
import { serializeMailEmail } from './serialize.js';
import { toAcceptRequest, type MailMessageBody } from './to-accept-request.js';

export function sendRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: MailMessageBody }>(
    '/mail/send',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['mail'],
        summary: 'Send an email; each `to` address gets its own message. Answers once committed.',
        headers: idempotencyHeaderSchema,
        body: mailMessageSchema,
        response: {
          200: { type: 'object', properties: { ...mailEmailSchema.properties, ids: { type: 'array', items: { type: 'string' } } } },
          '4xx': errorSchemas.mail,
        },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const projectId = principalOf(request).projectId;
        const to = Array.isArray(request.body.to) ? request.body.to : [request.body.to];
        const accepted = await deps.accept.accept(projectId, toAcceptRequest(request.body, 'mail', to.length > 1 ? randomUUID() : null));
        return { status: 200, body: { ...serializeMailEmail(accepted.first()), ids: accepted.ids } };
      }),
  );
}
