import type { FastifyInstance } from 'fastify';
import { invalidField, isMailroomError } from '../../core/errors.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import type { ApiDeps } from '../deps.js';
import { emailIdParams, resendEmailObjectSchema } from './schemas.js';
import { serializeResendEmail } from './serialize.js';
import { parseScheduledAt } from './to-accept-request.js';

const idAnswer = { type: 'object', properties: { object: { type: 'string' }, id: { type: 'string' } } } as const;

/** GET /emails, GET /emails/:id, PATCH /emails/:id (reschedule), POST /emails/:id/cancel; each id is a whole send. */
export function emailRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: { limit: number; after?: string; before?: string } }>(
    '/emails',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: {
        tags: ['resend'],
        summary: 'List sent emails, newest first (Resend-compatible): after=<id> pages to older emails, before=<id> to newer ones',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            after: { type: 'string', minLength: 1, maxLength: 200 },
            before: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        response: {
          200: { type: 'object', properties: { object: { type: 'string' }, has_more: { type: 'boolean' }, data: { type: 'array', items: resendEmailObjectSchema } } },
          '4xx': errorSchemas.resend,
        },
      },
    },
    async (request) => {
      const projectId = principalOf(request).projectId;
      const { limit, after, before } = request.query;
      if (after !== undefined && before !== undefined) throw invalidField('query.before', 'give after or before, not both');
      // Resend's cursors are email ids: `after` continues to older emails, `before` goes back to newer ones.
      const at = async (id: string, field: string) => {
        try {
          return await deps.outboxQueries.get(projectId, id);
        } catch (error) {
          if (isMailroomError(error) && error.code === 'NOT_FOUND') throw invalidField(field, `no email ${id}`);
          throw error;
        }
      };
      const page = await deps.resendSends.list(projectId, limit, {
        ...(after !== undefined ? { olderThan: await at(after, 'query.after') } : {}),
        ...(before !== undefined ? { newerThan: await at(before, 'query.before') } : {}),
      });
      return { object: 'list', has_more: page.hasMore, data: page.sends.map((send) => serializeResendEmail(send, { withContent: false })) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/emails/:id',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: { tags: ['resend'], summary: 'Retrieve an email (Resend-compatible)', params: emailIdParams, response: { 200: resendEmailObjectSchema, '4xx': errorSchemas.resend } },
    },
    async (request) => serializeResendEmail(await deps.resendSends.get(principalOf(request).projectId, request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: { scheduled_at: string } }>(
    '/emails/:id',
    {
      preHandler: deps.auth.require('emails:update'),
      schema: {
        tags: ['resend'],
        summary: 'Reschedule an email that has not been sent yet (Resend-compatible)',
        params: emailIdParams,
        body: { type: 'object', additionalProperties: false, required: ['scheduled_at'], properties: { scheduled_at: { type: 'string', minLength: 1, maxLength: 100 } } },
        response: { 200: idAnswer, '4xx': errorSchemas.resend },
      },
    },
    async (request) => {
      const projectId = principalOf(request).projectId;
      const at = parseScheduledAt(request.body.scheduled_at, deps.clock.now());
      const send = await deps.resendSends.edit(projectId, request.params.id, { scheduledAt: at, scheduledAtField: 'scheduled_at' });
      return { object: 'email', id: send.id };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/emails/:id/cancel',
    {
      preHandler: deps.auth.require('emails:update'),
      schema: { tags: ['resend'], summary: 'Cancel a scheduled email (Resend-compatible)', params: emailIdParams, response: { 200: idAnswer, '4xx': errorSchemas.resend } },
    },
    async (request) => {
      const send = await deps.resendSends.edit(principalOf(request).projectId, request.params.id, { action: 'cancel' });
      return { object: 'email', id: send.id };
    },
  );
}
