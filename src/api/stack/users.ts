import type { FastifyInstance } from 'fastify';
import type { User, UserPatch } from '../../core/users/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    primary_email: { type: 'string', nullable: true },
    primary_email_verified: { type: 'boolean' },
    display_name: { type: 'string', nullable: true },
    locale: { type: 'string', nullable: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

const userFields = {
  type: 'object',
  additionalProperties: false,
  properties: {
    primary_email: { type: 'string', minLength: 3, maxLength: 320, nullable: true },
    primary_email_verified: { type: 'boolean' },
    display_name: { type: 'string', maxLength: 200, nullable: true },
    locale: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', nullable: true },
  },
} as const;

interface UserBody {
  primary_email?: string | null;
  primary_email_verified?: boolean;
  display_name?: string | null;
  locale?: string | null;
}

const toPatch = (b: UserBody): UserPatch => ({
  ...(b.primary_email !== undefined ? { primaryEmail: b.primary_email } : {}),
  ...(b.primary_email_verified !== undefined ? { primaryEmailVerified: b.primary_email_verified } : {}),
  ...(b.display_name !== undefined ? { displayName: b.display_name } : {}),
  ...(b.locale !== undefined ? { locale: b.locale } : {}),
});

export const serializeUser = (u: User) => ({
  id: u.id,
  primary_email: u.primaryEmail,
  primary_email_verified: u.primaryEmailVerified,
  display_name: u.displayName,
  locale: u.locale,
  created_at: iso(u.createdAt),
  updated_at: iso(u.updatedAt),
});

const idParams = { type: 'object', properties: { userId: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['userId'] } as const;

/** The app's end users: the recipients send-email accepts by id. */
export function userRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['users'];

  app.post<{ Body: UserBody }>(
    '/api/v1/users',
    {
      preHandler: deps.auth.require('users:create'),
      schema: { tags, summary: 'Create a user', body: userFields, response: { 201: userSchema, '4xx': errorSchemas.stack } },
    },
    async (request, reply) => reply.code(201).send(serializeUser(await deps.users.create(principalOf(request).projectId, toPatch(request.body)))),
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/api/v1/users',
    {
      preHandler: deps.auth.require('users:read'),
      schema: {
        tags,
        summary: 'List users, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, cursor: { type: 'string', maxLength: 500 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: userSchema },
              pagination: { type: 'object', properties: { next_cursor: { type: 'string', nullable: true } } },
            },
          },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request) => {
      const page = await deps.users.list(principalOf(request).projectId, {
        limit: request.query.limit,
        ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
      });
      return { items: page.items.map(serializeUser), pagination: { next_cursor: page.nextCursor } };
    },
  );

  app.get<{ Params: { userId: string } }>(
    '/api/v1/users/:userId',
    {
      preHandler: deps.auth.require('users:read'),
      schema: { tags, summary: 'Get a user', params: idParams, response: { 200: userSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeUser(await deps.users.get(principalOf(request).projectId, request.params.userId)),
  );

  app.patch<{ Params: { userId: string }; Body: UserBody }>(
    '/api/v1/users/:userId',
    {
      preHandler: deps.auth.require('users:update'),
      schema: { tags, summary: 'Update a user', params: idParams, body: userFields, response: { 200: userSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeUser(await deps.users.update(principalOf(request).projectId, request.params.userId, toPatch(request.body))),
  );

  app.delete<{ Params: { userId: string } }>(
    '/api/v1/users/:userId',
    {
      preHandler: deps.auth.require('users:delete'),
      schema: {
        tags,
        summary: 'Delete a user; messages still waiting for them are skipped when due',
        params: idParams,
        response: { 200: { type: 'object', properties: { success: { type: 'boolean' } } }, '4xx': errorSchemas.stack },
      },
    },
    async (request) => {
      await deps.users.remove(principalOf(request).projectId, request.params.userId);
      return { success: true };
    },
  );
}
