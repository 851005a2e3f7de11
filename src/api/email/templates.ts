import type { FastifyInstance } from 'fastify';
import type { TemplateInput } from '../../core/templates/templates.js';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { uuidParam } from '../shared/schemas.js';
import { serializeTemplate, templateSchema, translationsSchema } from './schemas.js';

const params = { type: 'object', properties: { templateUuid: uuidParam }, required: ['templateUuid'] } as const;
const fields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  subject: { type: 'string', minLength: 1, maxLength: 10_000 },
  body: { type: 'string', maxLength: 1_000_000 },
  translations: translationsSchema,
  parameters: { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 100 } },
  blocks: { type: 'array', maxItems: 200, items: uuidParam },
  inlineCss: { type: 'boolean' },
} as const;
const errors = { '4xx': errorSchemas.email };

/** Seed 002 templates: list, get, delete, plus create and update. */
export function templateRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['email templates'];

  app.get(
    '/api/v1/email/templates',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: { tags, summary: 'List email templates', response: { 200: { type: 'array', items: templateSchema }, ...errors } },
    },
    async (request) => (await deps.templates.list(principalOf(request).projectId)).map(serializeTemplate),
  );

  app.get<{ Params: { templateUuid: string } }>(
    '/api/v1/email/templates/:templateUuid',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: { tags, summary: 'Get an email template', params, response: { 200: templateSchema, ...errors } },
    },
    async (request) => serializeTemplate(await deps.templates.get(principalOf(request).projectId, request.params.templateUuid)),
  );

  app.post<{ Body: TemplateInput }>(
    '/api/v1/email/templates',
    {
      preHandler: deps.auth.require('email.templates:create'),
      schema: {
        tags,
        summary: 'Create an email template (syntax, blocks and text keys are checked)',
        body: { type: 'object', additionalProperties: false, required: ['name', 'subject', 'body'], properties: fields },
        response: { 201: templateSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(serializeTemplate(await deps.templates.create(principalOf(request).projectId, request.body))),
  );

  app.patch<{ Params: { templateUuid: string }; Body: Partial<TemplateInput> }>(
    '/api/v1/email/templates/:templateUuid',
    {
      preHandler: deps.auth.require('email.templates:update'),
      schema: {
        tags,
        summary: 'Update an email template',
        params,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
        response: { 200: templateSchema, ...errors },
      },
    },
    async (request) => serializeTemplate(await deps.templates.update(principalOf(request).projectId, request.params.templateUuid, request.body)),
  );

  app.delete<{ Params: { templateUuid: string } }>(
    '/api/v1/email/templates/:templateUuid',
    {
      preHandler: deps.auth.require('email.templates:delete'),
      schema: { tags, summary: 'Delete an email template', params, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      await deps.templates.delete(principalOf(request).projectId, request.params.templateUuid);
      return reply.code(204).send();
    },
  );
}
