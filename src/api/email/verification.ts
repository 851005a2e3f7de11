import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';

const statusSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['unregistered', 'pending_verification', 'verified'] },
    email: { type: 'string' },
  },
  required: ['status'],
} as const;

/** The end-user endpoints of seed 002: the current user's email verification. */
export function verificationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const endUser = deps.auth.requireUser();
  const userOf = (request: Parameters<typeof principalOf>[0]) => {
    const principal = principalOf(request);
    return { projectId: principal.projectId, userId: principal.userId! };
  };

  app.get(
    '/api/v1/email/user',
    {
      preHandler: endUser,
      schema: {
        tags: ['email verification'],
        summary: "The current user's email verification status",
        response: { 200: statusSchema, '4xx': errorSchemas.email },
      },
    },
    async (request) => {
      const { projectId, userId } = userOf(request);
      return deps.verification.status(projectId, userId);
    },
  );

  app.post<{ Body: { email: string } }>(
    '/api/v1/email/register',
    {
      preHandler: endUser,
      schema: {
        tags: ['email verification'],
        summary: 'Register an email address for the current user and send a 6-digit code (call again to resend)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email'],
          properties: { email: { type: 'string', format: 'email', maxLength: 254 } },
        },
        response: { 204: { type: 'null' }, '4xx': errorSchemas.email },
      },
    },
    async (request, reply) => {
      const { projectId, userId } = userOf(request);
      await deps.verification.register(projectId, userId, request.body.email, request.ip);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/email/verify',
    {
      preHandler: endUser,
      schema: {
        tags: ['email verification'],
        summary: "Verify the current user's email with the 6-digit code",
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code'],
          properties: { code: { type: 'string', pattern: '^[0-9]{6}$' } },
        },
        response: {
          200: {
            type: 'object',
            properties: { status: statusSchema.properties.status, verifiedAt: { type: 'number' } },
            required: ['status'],
          },
          '4xx': errorSchemas.email,
        },
      },
    },
    async (request) => {
      const { projectId, userId } = userOf(request);
      return deps.verification.verify(projectId, userId, request.body.code);
    },
  );
}
