import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { uuidParam } from '../shared/schemas.js';
import { localeSchema } from './schemas.js';

/** Seed 002 render: `?locale=de-DE&code=123456` -> `{subject, body}`; every other query field is a parameter. */
export function renderRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get<{ Params: { templateUuid: string }; Querystring: Record<string, string | string[]> & { locale?: string } }>(
    '/api/v1/email/render/:templateUuid',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: {
        tags: ['email templates'],
        summary: 'Render a template for a locale with parameters from the query',
        params: { type: 'object', properties: { templateUuid: uuidParam }, required: ['templateUuid'] },
        querystring: { type: 'object', properties: { locale: localeSchema }, additionalProperties: true },
        response: {
          200: { type: 'object', properties: { subject: { type: 'string' }, body: { type: 'string' } }, required: ['subject', 'body'] },
          '4xx': errorSchemas.email,
        },
      },
    },
    async (request) => {
      const { locale, ...variables } = request.query;
      return deps.templates.render(principalOf(request).projectId, request.params.templateUuid, { locale: locale ?? null, variables });
    },
  );
}
