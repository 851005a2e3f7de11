import type { FastifyInstance } from 'fastify';
import type { OutboxStatus, SimpleStatus } from '../../core/outbox/lifecycle.js';
import { simpleStatuses } from '../../core/outbox/lifecycle.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import type { ApiDeps } from '../deps.js';
import { emailIdParams, mailEmailSchema, mailStatusFilter } from './schemas.js';
import { serializeMailEmail } from './serialize.js';

interface ListQuery {
  limit: number;
  offset: number;
  status?: OutboxStatus | SimpleStatus;
  from?: string;
  to?: string;
}

const isSimple = (s: string): s is SimpleStatus => (simpleStatuses as readonly string[]).includes(s);

/** Reading sent mail: one email, or a filtered page with the total. */
export function emailReadRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { id: string } }>(
    '/mail/emails/:id',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: { tags: ['mail'], summary: 'Get an email by id', params: emailIdParams, response: { 200: mailEmailSchema, '4xx': errorSchemas.mail } },
    },
    async (request) => serializeMailEmail(await deps.outboxQueries.get(principalOf(request).projectId, request.params.id)),
  );

  app.get<{ Querystring: ListQuery }>(
    '/mail/emails',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: {
        tags: ['mail'],
        summary: 'List emails, newest first, with optional filters',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
            status: mailStatusFilter,
            from: { type: 'string', minLength: 1, maxLength: 320 },
            to: { type: 'string', minLength: 1, maxLength: 320 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { emails: { type: 'array', items: mailEmailSchema }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
          },
          '4xx': errorSchemas.mail,
        },
      },
    },
    async (request) => {
      const { limit, offset, status, from, to } = request.query;
      const page = await deps.outboxQueries.listByOffset(
        principalOf(request).projectId,
        {
          ...(status ? (isSimple(status) ? { simpleStatus: status } : { status }) : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
        limit,
        offset,
      );
      return { emails: page.items.map(serializeMailEmail), total: page.total, limit, offset };
    },
  );
}
