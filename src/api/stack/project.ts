import type { FastifyInstance } from 'fastify';
import { maskSmtpUrl } from '../../core/projects/smtp-url.js';
import type { Project, ProjectSettings } from '../../core/projects/types.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { projectSettingsSchema } from '../shared/schemas.js';
import { iso } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const projectSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    settings: { type: 'object', additionalProperties: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

/** DKIM private keys and SMTP relay passwords never leave the server once set. */
function serializeProject(project: Project) {
  const { dkim, smtpUrl, ...settings } = project.settings;
  return {
    id: project.id,
    name: project.name,
    settings: {
      ...settings,
      ...(smtpUrl !== undefined ? { smtpUrl: maskSmtpUrl(smtpUrl) } : {}),
      ...(dkim ? { dkim: { domainName: dkim.domainName, keySelector: dkim.keySelector } } : {}),
    },
    created_at: iso(project.createdAt),
    updated_at: iso(project.updatedAt),
  };
}

export function projectRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get(
    '/api/v1/projects/current',
    {
      preHandler: deps.auth.require('project:read'),
      schema: { tags: ['projects'], summary: 'The project the credentials belong to', response: { 200: projectSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeProject(await deps.projects.getProject(principalOf(request).projectId)),
  );

  app.patch<{ Body: { name?: string; settings?: ProjectSettings } }>(
    '/api/v1/projects/current',
    {
      preHandler: deps.auth.require('project:update'),
      schema: {
        tags: ['projects'],
        summary: 'Rename the project or change its settings (admin key); settings replace the stored ones, smtpUrl may keep its password as ***',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, settings: projectSettingsSchema },
        },
        response: { 200: projectSchema, '4xx': errorSchemas.stack },
      },
    },
    async (request) => serializeProject(await deps.projects.updateProject(principalOf(request).projectId, request.body)),
  );
}
