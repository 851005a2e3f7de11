import type { FastifyInstance } from 'fastify';
import { webhookEventTypes } from '../../core/events/public-events.js';
import type { WebhookInput } from '../../core/webhooks/webhooks.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import type { ApiDeps } from '../deps.js';
import { serializeWebhook, webhookSchema } from './serialize.js';

const writable = {
  url: { type: 'string', minLength: 1, maxLength: 2000 },
  events: { type: 'array', items: { type: 'string', enum: [...webhookEventTypes] }, minItems: 1, maxItems: webhookEventTypes.length * 2 },
  description: { type: 'string', maxLength: 500, nullable: true },
  enabled: { type: 'boolean' },
} as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] } as const;

/** Webhook endpoints of the calling project (stack family: snake_case, ISO times). */
export function webhookRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['webhooks'];

  app.post<{ Body: WebhookInput }>(
    '/api/v1/webhooks',
    {
      preHandler: deps.auth.require('webhooks:create'),
      schema: {
        tags,
        summary: 'Create a webhook endpoint; the signing secret is shown only in this response',
        body: { type: 'object', additionalProperties: false, required: ['url', 'events'], properties: writable },
        response: { 201: { type: 'object', properties: { ...webhookSchema.properties, secret: { type: 'string' } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => {
      const { webhook, secret } = await deps.webhooks.create(principalOf(request), request.body);
      return reply.code(201).send({ ...serializeWebhook(webhook), secret });
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      preHandler: deps.auth.require('webhooks:read'),
      schema: {
        tags,
        summary: 'List webhook endpoints',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: webhookSchema } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request) => ({ items: (await deps.webhooks.list(principalOf(request).projectId)).map(serializeWebhook) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id',
    {
      preHandler: deps.auth.require('webhooks:read'),
      schema: { tags, summary: 'Get a webhook endpoint', params: idParams, response: { 200: webhookSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeWebhook(await deps.webhooks.get(principalOf(request).projectId, request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: Partial<WebhookInput> }>(
    '/api/v1/webhooks/:id',
    {
      preHandler: deps.auth.require('webhooks:update'),
      schema: {
        tags,
        summary: 'Change a webhook endpoint (url, events, description, enabled)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: writable },
        response: { 200: webhookSchema, '4xx': errorSchemas.stack },
      },
    },
    async (request) => serializeWebhook(await deps.webhooks.update(principalOf(request), request.params.id, request.body)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/webhooks/:id',
    {
      preHandler: deps.auth.require('webhooks:delete'),
      schema: { tags, summary: 'Delete a webhook endpoint and its delivery log', params: idParams, response: { '4xx': errorSchemas.stack } },
    },
    async (request, reply) => {
      await deps.webhooks.delete(principalOf(request).projectId, request.params.id);
      return reply.code(204).send();
    },
  );
}
