import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso } from '../shared/serialize.js';

/** Mints a short-lived end-user token, for backends that would rather not sign JWTs themselves. */
export function userTokenRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Params: { id: string }; Body: { expires_in_seconds?: number } | undefined }>(
    '/api/v1/users/:id/tokens',
    {
      preHandler: deps.auth.require('users:update'),
      schema: {
        tags: ['users'],
        summary: 'Mint an end-user token (HS256 JWT, sub = user id, aud = project id)',
        params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] },
        body: {
          type: 'object',
          nullable: true,
          additionalProperties: false,
          properties: { expires_in_seconds: { type: 'integer', minimum: 60, maximum: 86_400 } },
        },
        response: {
          201: { type: 'object', properties: { token: { type: 'string' }, expires_at: { type: 'string' } }, required: ['token', 'expires_at'] },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request, reply) => {
      const { projectId } = principalOf(request);
      const { token, expiresAt } = await deps.userTokens.mintForUser(projectId, request.params.id, request.body?.expires_in_seconds ?? 900);
      return reply.code(201).send({ token, expires_at: iso(expiresAt) });
    },
  );
}
