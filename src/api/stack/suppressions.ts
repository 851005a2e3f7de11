import type { FastifyInstance } from 'fastify';
import type { Suppression, SuppressionReason } from '../../core/suppressions/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const suppressionSchema = {
  type: 'object',
  properties: {
    email: { type: 'string' },
    reason: { type: 'string', enum: ['bounced', 'unsubscribed', 'manual'] },
    detail: { type: 'string', nullable: true },
    created_at: { type: 'string' },
  },
} as const;

const serialize = (s: Suppression) => ({ email: s.email, reason: s.reason, detail: s.detail, created_at: iso(s.createdAt) });

/** Addresses the project does not send to; sends to them end as skipped (suppressed) until removed here. */
export function suppressionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/emails/suppressions',
    {
      preHandler: deps.auth.require('email.suppressions:read'),
      schema: {
        tags: ['suppressions'],
        summary: 'List suppressed addresses (ordered by address)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor: { type: 'string', maxLength: 320 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: suppressionSchema },
              pagination: { type: 'object', properties: { next_cursor: { type: 'string', nullable: true } } },
            },
          },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request) => {
      const page = await deps.suppressions.list(principalOf(request).projectId, request.query);
      return { items: page.items.map(serialize), pagination: { next_cursor: page.nextCursor } };
    },
  );

  app.post<{ Body: { email: string; reason?: SuppressionReason; detail?: string } }>(
    '/api/v1/emails/suppressions',
    {
      preHandler: deps.auth.require('email.suppressions:create'),
      schema: {
        tags: ['suppressions'],
        summary: 'Suppress an address (replaces an existing entry)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 320 },
            reason: { type: 'string', enum: ['bounced', 'unsubscribed', 'manual'] },
            detail: { type: 'string', maxLength: 2000 },
          },
        },
        response: { 201: suppressionSchema, '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => reply.code(201).send(serialize(await deps.suppressions.add(principalOf(request).projectId, request.body))),
  );

  app.get<{ Params: { email: string } }>(
    '/api/v1/emails/suppressions/:email',
    {
      preHandler: deps.auth.require('email.suppressions:read'),
      schema: {
        tags: ['suppressions'],
        summary: 'One suppressed address',
        params: { type: 'object', properties: { email: { type: 'string', maxLength: 320 } }, required: ['email'] },
        response: { 200: suppressionSchema, '4xx': errorSchemas.stack },
      },
    },
    async (request) => serialize(await deps.suppressions.get(principalOf(request).projectId, request.params.email)),
  );

  app.delete<{ Params: { email: string } }>(
    '/api/v1/emails/suppressions/:email',
    {
      preHandler: deps.auth.require('email.suppressions:delete'),
      schema: {
        tags: ['suppressions'],
        summary: 'Remove a suppression: the address receives mail again',
        params: { type: 'object', properties: { email: { type: 'string', maxLength: 320 } }, required: ['email'] },
        response: { '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => {
      await deps.suppressions.remove(principalOf(request).projectId, request.params.email);
      return reply.code(204).send();
    },
  );
}
