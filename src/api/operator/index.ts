import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MailroomError } from '../../core/errors.js';
import type { ApiDeps } from '../deps.js';
import { authHook, matchesSecret } from '../shared/auth.js';
import { stackFamily, errorSchemas } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { projectSettingsSchema } from '../shared/schemas.js';
import { iso } from '../shared/serialize.js';

const createdProjectSchema = {
  type: 'object',
  properties: {
    project_id: { type: 'string' },
    secret_server_key: { type: 'string' },
    admin_key: { type: 'string' },
    publishable_client_key: { type: 'string' },
  },
  required: ['project_id', 'secret_server_key', 'admin_key', 'publishable_client_key'],
} as const;

/** Project creation for the operator, who holds MAILROOM_ROOT_KEY. */
export async function operatorRoutes(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, stackFamily);

  const requireRoot = authHook(async (request: FastifyRequest): Promise<void> => {
    if (!deps.rootKey) {
      throw new MailroomError('INSUFFICIENT_PERMISSION', 'operator access over HTTP is disabled: set MAILROOM_ROOT_KEY');
    }
    const header = request.headers['x-mailroom-root-key'];
    const presented = (Array.isArray(header) ? header[0] : header) ?? /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!presented) throw new MailroomError('UNAUTHENTICATED', 'send the operator key as Authorization: Bearer or x-mailroom-root-key');
    if (!matchesSecret(presented, deps.rootKey)) throw new MailroomError('INVALID_API_KEY', 'the operator key is not valid');
  });

  app.post<{ Body: { name: string; settings?: Record<string, unknown> } }>(
    '/api/v1/admin/projects',
    {
      preHandler: requireRoot,
      schema: {
        tags: ['operator'],
        summary: 'Create a project and its first keys (operator only)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, settings: projectSettingsSchema },
        },
        response: { 201: createdProjectSchema, '4xx': errorSchemas.stack },
      },
    },
    async (request, reply) => {
      const created = await deps.projects.createProject({ name: request.body.name, settings: request.body.settings ?? {} });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/v1/admin/projects',
    { preHandler: requireRoot, schema: { tags: ['operator'], summary: 'List projects (operator only)' } },
    async () => {
      const projects = await deps.projects.listProjects();
      return { items: projects.map((p) => ({ id: p.id, name: p.name, created_at: iso(p.createdAt) })) };
    },
  );
}
