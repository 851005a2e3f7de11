import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { uuidParam } from '../shared/schemas.js';
import { blockSchema, serializeBlock } from './schemas.js';

const params = { type: 'object', properties: { blockUuid: uuidParam }, required: ['blockUuid'] } as const;
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  content: { type: 'string', maxLength: 500_000 },
} as const;
const errors = { '4xx': errorSchemas.email };

type BlockBody = { name: string; content: string };

/** Seed 002 blocks: list, get, delete, plus create and update (implied by EMAIL_BLOCK_ADD). */
export function blockRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['email blocks'];

  app.get(
    '/api/v1/email/blocks',
    {
      preHandler: deps.auth.require('email.blocks:read'),
      schema: { tags, summary: 'List email blocks', response: { 200: { type: 'array', items: blockSchema }, ...errors } },
    },
    async (request) => (await deps.blocks.list(principalOf(request).projectId)).map(serializeBlock),
  );

  app.get<{ Params: { blockUuid: string } }>(
    '/api/v1/email/blocks/:blockUuid',
    {
      preHandler: deps.auth.require('email.blocks:read'),
      schema: { tags, summary: 'Get an email block', params, response: { 200: blockSchema, ...errors } },
    },
    async (request) => serializeBlock(await deps.blocks.get(principalOf(request).projectId, request.params.blockUuid)),
  );

  app.post<{ Body: BlockBody }>(
    '/api/v1/email/blocks',
    {
      preHandler: deps.auth.require('email.blocks:create'),
      schema: {
        tags,
        summary: 'Create an email block',
        body: { type: 'object', additionalProperties: false, required: ['name', 'content'], properties: fields },
        response: { 201: blockSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(serializeBlock(await deps.blocks.create(principalOf(request).projectId, request.body))),
  );

  app.patch<{ Params: { blockUuid: string }; Body: Partial<BlockBody> }>(
    '/api/v1/email/blocks/:blockUuid',
    {
      preHandler: deps.auth.require('email.blocks:update'),
      schema: {
        tags,
        summary: 'Update an email block (templates using it must still render)',
        params,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
        response: { 200: blockSchema, ...errors },
      },
    },
    async (request) => serializeBlock(await deps.blocks.update(principalOf(request).projectId, request.params.blockUuid, request.body)),
  );

  app.delete<{ Params: { blockUuid: string } }>(
    '/api/v1/email/blocks/:blockUuid',
    {
      preHandler: deps.auth.require('email.blocks:delete'),
      schema: { tags, summary: 'Delete an email block (409 while a template uses it)', params, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await deps.blocks.delete(principalOf(request).projectId, request.params.blockUuid);
      return reply.code(204).send();
    },
  );
}
