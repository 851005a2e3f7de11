import type { FastifyInstance } from 'fastify';
import type { CapturedMessage } from '../../core/delivery/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const summarySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    outbox_id: { type: 'string', nullable: true },
    message_id: { type: 'string', nullable: true },
    from: { type: 'string', nullable: true },
    to: { type: 'array', items: { type: 'string' } },
    subject: { type: 'string', nullable: true },
    created_at: { type: 'string' },
  },
} as const;

const summary = (m: CapturedMessage) => ({
  id: m.id,
  outbox_id: m.outboxMessageId,
  message_id: m.messageIdHeader,
  from: m.envelopeFrom,
  to: m.envelopeTo,
  subject: m.subject,
  created_at: iso(m.createdAt),
});

/** The capture inbox: mail the capture transport delivered (when SMTP_URL is unset), newest first. */
export function devInboxRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: { limit: number; cursor?: string; to?: string } }>(
    '/api/v1/dev/inbox',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: {
        tags: ['dev inbox'],
        summary: 'Messages captured instead of sent, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            cursor: { type: 'string', maxLength: 500 },
            to: { type: 'string', maxLength: 320 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: summarySchema },
              pagination: { type: 'object', properties: { next_cursor: { type: 'string', nullable: true } } },
            },
          },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request) => {
      const page = await deps.inbox.list(principalOf(request).projectId, request.query);
      return { items: page.items.map(summary), pagination: { next_cursor: page.nextCursor } };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/dev/inbox/:id',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: {
        tags: ['dev inbox'],
        summary: 'One captured message with its raw MIME',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] },
        response: { 200: { type: 'object', properties: { ...summarySchema.properties, raw: { type: 'string' } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request) => {
      const m = await deps.inbox.get(principalOf(request).projectId, request.params.id);
      return { ...summary(m), raw: m.raw };
    },
  );
}
