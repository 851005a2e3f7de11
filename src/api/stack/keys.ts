import type { FastifyInstance } from 'fastify';
import type { KeyKind } from '../../core/auth/permissions.js';
import type { ApiKey } from '../../core/projects/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso, isoOrNull } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const keySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    permissions: { type: 'array', items: { type: 'string' } },
    prefix: { type: 'string' },
    created_at: { type: 'string' },
    last_used_at: { type: 'string', nullable: true },
    revoked_at: { type: 'string', nullable: true },
  },
} as const;

function serializeKey(key: ApiKey) {
  return {
    id: key.id,
    kind: key.kind,
    name: key.name,
    permissions: key.permissions,
    prefix: key.prefix,
    created_at: iso(key.createdAt),
    last_used_at: isoOrNull(key.lastUsedAt),
    revoked_at: isoOrNull(key.revokedAt),
  };
}

/** Key management for the project's administrators. */
export function keyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const admin = deps.auth.require('project:update');

  app.get(
    '/api/v1/projects/current/keys',
    {
      preHandler: admin,
      schema: {
        tags: ['projects'],
        summary: 'List API keys (hashes are never shown)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: keySchema } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request) => ({ items: (await deps.projects.listKeys(principalOf(request).projectId)).map(serializeKey) }),
  );

  app.post<{ Body: { kind: KeyKind; name?: string; permissions?: string[] } }>(
    '/api/v1/projects/current/keys',
    {
      preHandler: admin,
      schema: {
        tags: ['projects'],
        summary: 'Create a key; the key itself is shown only in this response',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { type: 'string', enum: ['secret', 'admin', 'publishable', 'scoped'] },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            permissions: { type: 'array', items: { type: 'string' }, maxItems: 64 },
          },
        },
        response: {
          201: { type: 'object', properties: { ...keySchema.properties, key: { type: 'string' } } },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request, reply) => {
      const { key, apiKey } = await deps.projects.createKey(principalOf(request).projectId, request.body);
      return reply.code(201).send({ ...serializeKey(apiKey), key });
    },
  );

  app.delete<{ Params: { keyId: string } }>(
    '/api/v1/projects/current/keys/:keyId',
    {
      preHandler: admin,
      schema: {
        tags: ['projects'],
        summary: 'Revoke a key; requests with it fail from now on',
        params: { type: 'object', properties: { keyId: { type: 'string' } }, required: ['keyId'] },
        response: { '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => {
      await deps.projects.revokeKey(principalOf(request).projectId, request.params.keyId);
      return reply.code(204).send();
    },
  );
}
