import type { FastifyInstance } from 'fastify';
import type { TypedTemplateDetails } from '../../core/templates/typed-types.js';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { detailsPatchSchema, serializeTypedTemplate, typedTemplateSchema } from './schemas.js';

const errors = { '4xx': errorSchemas['email-templates'] };
const tags = ['email-templates'];
const params = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;

/** Seed 004 item routes: get, delete, and the shallow merge of details. */
export function itemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { id: string } }>(
    '/api/email-templates/:id',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: { tags, summary: 'Get a template by id', params, response: { 200: typedTemplateSchema, ...errors } },
    },
    async (request) => serializeTypedTemplate(await deps.typedTemplates.get(principalOf(request).projectId, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/email-templates/:id',
    {
      preHandler: deps.auth.require('email.templates:delete'),
      schema: { tags, summary: 'Delete a template by id', params, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await deps.typedTemplates.delete(principalOf(request).projectId, request.params.id);
      return reply.code(204).send();
    },
  );

  app.patch<{ Params: { id: string }; Body: Partial<TypedTemplateDetails> }>(
    '/api/email-templates/:id/details',
    {
      preHandler: deps.auth.require('email.templates:update'),
      schema: {
        tags,
        summary: 'Update the details of a template (shallow merge)',
        params,
        body: detailsPatchSchema,
        response: { 200: typedTemplateSchema, ...errors },
      },
    },
    async (request) => serializeTypedTemplate(await deps.typedTemplates.updateDetails(principalOf(request).projectId, request.params.id, request.body)),
  );
}
