import type { FastifyInstance } from 'fastify';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';
import { emailIdParams, mailEmailSchema } from './schemas.js';
import { serializeMailEmail } from './serialize.js';

/** Cancel (only before sending starts) and resend (a new message copying the original). */
export function cancelResendRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Params: { id: string } }>(
    '/mail/emails/:id/cancel',
    {
      preHandler: deps.auth.require('emails:update'),
      schema: {
        tags: ['mail'],
        summary: 'Cancel an email before it is sent',
        params: emailIdParams,
        response: { 200: mailEmailSchema, '4xx': errorSchemas.mail },
      },
    },
    async (request) => {
      const projectId = principalOf(request).projectId;
      await deps.outboxEditor.edit(projectId, request.params.id, { action: 'cancel' });
      return serializeMailEmail(await deps.outboxQueries.get(projectId, request.params.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/mail/emails/:id/resend',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['mail'],
        summary: 'Send an existing email again, as a new message',
        headers: idempotencyHeaderSchema,
        params: emailIdParams,
        response: { 200: mailEmailSchema, '4xx': errorSchemas.mail },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const projectId = principalOf(request).projectId;
        const accepted = await deps.accept.resend(projectId, request.params.id);
        return { status: 200, body: serializeMailEmail(accepted.first()) };
      }),
  );
}
