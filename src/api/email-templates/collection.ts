import type { FastifyInstance } from 'fastify';
import type { TypedTemplateInput } from '../../core/templates/typed-templates.js';
import type { TypedTemplateFilter } from '../../core/templates/typed-types.js';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { detailsBodySchema, filterQuerySchema, languageTagSchema, serializeTypedTemplate, templateTypeSchema, typedTemplateSchema } from './schemas.js';

const errors = { '4xx': errorSchemas['email-templates'] };
const tags = ['email-templates'];

/** Seed 004 collection routes: bulk upsert, filtered list, filtered delete. */
export function collectionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.put<{ Body: { templates: TypedTemplateInput[] } }>(
    '/api/email-templates',
    {
      preHandler: deps.auth.require('email.templates:update'),
      schema: {
        tags,
        summary: 'Create or replace templates by (languageTag, templateType), in one transaction',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['templates'],
          properties: {
            templates: {
              type: 'array',
              minItems: 1,
              maxItems: 200,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['languageTag', 'templateType', 'details'],
                properties: { languageTag: languageTagSchema, templateType: templateTypeSchema, details: detailsBodySchema },
              },
            },
          },
        },
        response: { 200: { type: 'array', items: typedTemplateSchema }, ...errors },
      },
    },
    async (request) => (await deps.typedTemplates.upsert(principalOf(request).projectId, request.body.templates)).map(serializeTypedTemplate),
  );

  app.get<{ Querystring: TypedTemplateFilter }>(
    '/api/email-templates',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: { tags, summary: 'List templates, optionally by languageTag and templateType', querystring: filterQuerySchema, response: { 200: { type: 'array', items: typedTemplateSchema }, ...errors } },
    },
    async (request) => (await deps.typedTemplates.list(principalOf(request).projectId, request.query)).map(serializeTypedTemplate),
  );

  app.delete<{ Querystring: TypedTemplateFilter }>(
    '/api/email-templates',
    {
      preHandler: deps.auth.require('email.templates:delete'),
      schema: {
        tags,
        summary: 'Delete the templates matching languageTag and/or templateType (at least one)',
        querystring: filterQuerySchema,
        response: { 200: { type: 'object', properties: { rowCount: { type: 'integer' } } }, ...errors },
      },
    },
    async (request) => ({ rowCount: await deps.typedTemplates.deleteWhere(principalOf(request).projectId, request.query) }),
  );
}
