import type { FastifyInstance } from 'fastify';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import type { ApiDeps } from '../deps.js';
import { deliverySchema, serializeDelivery } from './serialize.js';

/** The delivery log of a webhook endpoint, and manual redelivery. */
export function deliveryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['webhooks'];

  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/api/v1/webhooks/:id/deliveries',
    {
      preHandler: deps.auth.require('webhooks:read'),
      schema: {
        tags,
        summary: 'Recent deliveries, newest first, each with its attempts and response codes',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 200 } }, required: ['id'] },
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: deliverySchema } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request) => {
      const deliveries = await deps.webhooks.listDeliveries(principalOf(request).projectId, request.params.id, request.query.limit);
      return { items: deliveries.map(serializeDelivery) };
    },
  );

  app.post<{ Params: { id: string; deliveryId: string } }>(
    '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      preHandler: deps.auth.require('webhooks:update'),
      schema: {
        tags,
        summary: 'Send a delivery again now (same webhook-id, so receivers can deduplicate)',
        params: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 200 }, deliveryId: { type: 'string', maxLength: 200 } },
          required: ['id', 'deliveryId'],
        },
        response: { 202: deliverySchema, '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const delivery = await deps.webhooks.redeliver(principalOf(request).projectId, id, deliveryId);
      return reply.code(202).send(serializeDelivery(delivery));
    },
  );
}
