import type { FastifyInstance } from 'fastify';
import type { Draft, DraftFields } from '../../core/drafts/types.js';
import { sendLimits } from '../../core/outbox/limits.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { iso, isoOrNull } from '../shared/serialize.js';
import type { ApiDeps } from '../deps.js';

const draftSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    display_name: { type: 'string', nullable: true },
    subject: { type: 'string', nullable: true },
    html: { type: 'string', nullable: true },
    template_id: { type: 'string', nullable: true },
    variables: { type: 'object', additionalProperties: true },
    sent_at: { type: 'string', nullable: true },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
} as const;

const draftFields = {
  type: 'object',
  additionalProperties: false,
  properties: {
    display_name: { type: 'string', maxLength: 200, nullable: true },
    subject: { type: 'string', maxLength: sendLimits.maxSubjectLength, nullable: true },
    html: { type: 'string', nullable: true },
    template_id: { type: 'string', minLength: 1, maxLength: 200, nullable: true },
    variables: { type: 'object', additionalProperties: true, nullable: true },
  },
} as const;

interface DraftBody {
  display_name?: string | null;
  subject?: string | null;
  html?: string | null;
  template_id?: string | null;
  variables?: Record<string, unknown> | null;
}

const toFields = (b: DraftBody): DraftFields => ({
  ...(b.display_name !== undefined ? { displayName: b.display_name } : {}),
  ...(b.subject !== undefined ? { subject: b.subject } : {}),
  ...(b.html !== undefined ? { html: b.html } : {}),
  ...(b.template_id !== undefined ? { templateId: b.template_id } : {}),
  ...(b.variables !== undefined ? { variables: b.variables } : {}),
});

const serializeDraft = (d: Draft) => ({
  id: d.id,
  display_name: d.displayName,
  subject: d.subject,
  html: d.html,
  template_id: d.templateId,
  variables: d.variables,
  sent_at: isoOrNull(d.sentAt),
  created_at: iso(d.createdAt),
  updated_at: iso(d.updatedAt),
});

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;

/** Drafts: saved emails sent later by `draft_id`. */
export function draftRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['drafts'];

  app.post<{ Body: DraftBody }>(
    '/api/v1/emails/drafts',
    {
      preHandler: deps.auth.require('email.drafts:create'),
      schema: { tags, summary: 'Create a draft', body: draftFields, response: { 201: draftSchema, '4xx': errorSchemas.stack } },
    },
    async (request, reply) => reply.code(201).send(serializeDraft(await deps.drafts.create(principalOf(request).projectId, toFields(request.body)))),
  );

  app.get(
    '/api/v1/emails/drafts',
    {
      preHandler: deps.auth.require('email.drafts:read'),
      schema: { tags, summary: 'List drafts, newest first', response: { 200: { type: 'object', properties: { items: { type: 'array', items: draftSchema } } }, '4xx': errorSchemas.stack } },
    },
    async (request) => ({ items: (await deps.drafts.list(principalOf(request).projectId)).map(serializeDraft) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/emails/drafts/:id',
    {
      preHandler: deps.auth.require('email.drafts:read'),
      schema: { tags, summary: 'Get a draft', params: idParams, response: { 200: draftSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeDraft(await deps.drafts.get(principalOf(request).projectId, request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: DraftBody }>(
    '/api/v1/emails/drafts/:id',
    {
      preHandler: deps.auth.require('email.drafts:update'),
      schema: { tags, summary: 'Update a draft', params: idParams, body: draftFields, response: { 200: draftSchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeDraft(await deps.drafts.update(principalOf(request).projectId, request.params.id, toFields(request.body))),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/emails/drafts/:id',
    {
      preHandler: deps.auth.require('email.drafts:delete'),
      schema: { tags, summary: 'Delete a draft', params: idParams, response: { 200: { type: 'object', properties: { success: { type: 'boolean' } } }, '4xx': errorSchemas.stack } },
    },
    async (request) => {
      await deps.drafts.remove(principalOf(request).projectId, request.params.id);
      return { success: true };
    },
  );
}
