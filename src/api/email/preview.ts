import type { FastifyInstance } from 'fastify';
import type { PreviewInput } from '../../core/templates/preview.js';
import type { ApiDeps } from '../deps.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { localeSchema } from './schemas.js';

/** What a send would produce (subject, html, text part) for a template or raw html and sample variables. */
export function previewRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: PreviewInput }>(
    '/api/v1/email/preview',
    {
      preHandler: deps.auth.require('email.templates:read'),
      schema: {
        tags: ['email templates'],
        summary: 'Preview a template (by uuid or name) or raw html with sample variables',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            templateId: { type: 'string', minLength: 1, maxLength: 200 },
            subject: { type: 'string', maxLength: 10_000 },
            html: { type: 'string', maxLength: 1_000_000 },
            text: { type: 'string', maxLength: 1_000_000 },
            locale: localeSchema,
            variables: { type: 'object', additionalProperties: true },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { subject: { type: 'string' }, html: { type: 'string', nullable: true }, text: { type: 'string', nullable: true } },
          },
          '4xx': errorSchemas.email,
        },
      },
    },
    async (request) => deps.preview(principalOf(request).projectId, request.body),
  );
}
