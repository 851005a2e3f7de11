import type { FastifyInstance } from 'fastify';
import { invalidField } from '../../core/errors.js';
import type { EditRequest } from '../../core/outbox/edit.js';
import { outboxStatuses, simpleStatuses, type OutboxStatus, type SimpleStatus } from '../../core/outbox/lifecycle.js';
import { sendLimits } from '../../core/outbox/limits.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import type { ApiDeps } from '../deps.js';
import { outboxEntrySchema, serializeOutboxEntry } from './outbox-serialize.js';

const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;

/** PATCH `status` values: the seed's "pausing, resuming, or canceling". */
const statusActions: Record<string, EditRequest['action']> = {
  paused: 'pause',
  scheduled: 'resume',
  queued: 'resume',
  resumed: 'resume',
  cancelled: 'cancel',
  canceled: 'cancel',
  skipped: 'cancel',
};

/** Seed 000's body, and Stack Auth's email-outbox update body (what its admin SDK sends). */
interface PatchBody {
  status?: string;
  subject?: string;
  body?: string;
  scheduled_at?: string | null;
  scheduled_at_millis?: number | null;
  is_paused?: boolean;
  cancel?: true;
  skip_deliverability_check?: boolean;
  theme_id?: string | null;
  tsx_source?: string;
  to?: unknown;
  variables?: Record<string, unknown>;
}

/** Stack fields whose Stack meaning Mailroom has no part for, with what to do instead. */
const unsupported: Array<[keyof PatchBody, string]> = [
  ['tsx_source', 'Mailroom renders HTML and Liquid templates, not TSX: send the new HTML as body'],
  ['to', 'the recipient of a queued email cannot be changed: cancel it and send again'],
  ['variables', 'the variables of a queued email cannot be changed: cancel it and send again'],
];

function toEdit(body: PatchBody): EditRequest {
  const edit: EditRequest = {};
  for (const [field, why] of unsupported) if (body[field] !== undefined) throw invalidField(`body.${field}`, why);
  if (body.theme_id !== undefined && body.theme_id !== null) throw invalidField('body.theme_id', 'Mailroom has no email themes; send null or leave it out');
  if (body.status !== undefined && (body.is_paused !== undefined || body.cancel !== undefined)) {
    throw invalidField('body.status', 'give status, or is_paused / cancel, not both');
  }
  if (body.status !== undefined) edit.action = statusActions[body.status];
  if (body.is_paused !== undefined) edit.action = body.is_paused ? 'pause' : 'resume';
  // As in Stack, a cancel is the whole edit.
  if (body.cancel) return { action: 'cancel' };
  if (body.subject !== undefined) edit.subject = body.subject;
  if (body.body !== undefined) edit.html = body.body;
  if (body.scheduled_at !== undefined && body.scheduled_at_millis !== undefined) {
    throw invalidField('body.scheduled_at', 'give scheduled_at or scheduled_at_millis, not both');
  }
  if (body.scheduled_at !== undefined) {
    const at = body.scheduled_at === null ? null : Date.parse(body.scheduled_at);
    if (at !== null && Number.isNaN(at)) throw invalidField('body.scheduled_at', 'must be an ISO 8601 time');
    edit.scheduledAt = at;
    edit.scheduledAtField = 'body.scheduled_at';
  }
  if (body.scheduled_at_millis !== undefined) {
    edit.scheduledAt = body.scheduled_at_millis;
    edit.scheduledAtField = 'body.scheduled_at_millis';
  }
  return edit;
}

/** Seed 000: the outbox, listed newest first, one entry, and edits while a message is still editable. */
export function outboxRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['emails'];

  app.get<{ Querystring: { status?: OutboxStatus; simple_status?: SimpleStatus; limit: number; cursor?: string } }>(
    '/api/v1/emails/outbox',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: {
        tags,
        summary: 'List outbox emails, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...outboxStatuses] },
            simple_status: { type: 'string', enum: [...simpleStatuses] },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            cursor: { type: 'string', maxLength: 500 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: outboxEntrySchema },
              is_paginated: { type: 'boolean' },
              pagination: { type: 'object', properties: { next_cursor: { type: 'string', nullable: true } } },
            },
          },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await deps.outboxQueries.listByCursor(
        principalOf(request).projectId,
        { ...(q.status ? { status: q.status } : {}), ...(q.simple_status ? { simpleStatus: q.simple_status } : {}) },
        q.limit,
        q.cursor,
      );
      return { items: page.items.map(serializeOutboxEntry), is_paginated: true, pagination: { next_cursor: page.nextCursor } };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/emails/outbox/:id',
    {
      preHandler: deps.auth.require('emails:read'),
      schema: { tags, summary: 'Get an outbox email with its status history and delivery attempts', params: idParams, response: { 200: outboxEntrySchema, '4xx': errorSchemas.stack } },
    },
    async (request) => serializeOutboxEntry(await deps.outboxQueries.get(principalOf(request).projectId, request.params.id)),
  );

  app.patch<{ Params: { id: string }; Body: PatchBody }>(
    '/api/v1/emails/outbox/:id',
    {
      preHandler: deps.auth.require('emails:update'),
      schema: {
        tags,
        summary: 'Pause, resume, cancel, reschedule or edit an email (only in editable states)',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            status: { type: 'string', enum: Object.keys(statusActions) },
            subject: { type: 'string', minLength: 1, maxLength: sendLimits.maxSubjectLength },
            body: { type: 'string', minLength: 1 },
            scheduled_at: { type: 'string', nullable: true },
            scheduled_at_millis: { type: 'integer', minimum: 0, nullable: true },
            is_paused: { type: 'boolean' },
            cancel: { type: 'boolean', enum: [true] },
            skip_deliverability_check: { type: 'boolean' },
            theme_id: { type: 'string', nullable: true },
            tsx_source: { type: 'string' },
            to: { type: 'object' },
            variables: { type: 'object' },
          },
        },
        response: { 200: outboxEntrySchema, '4xx': errorSchemas.stack },
      },
    },
    async (request) => {
      const projectId = principalOf(request).projectId;
      await deps.outboxEditor.edit(projectId, request.params.id, toEdit(request.body));
      return serializeOutboxEntry(await deps.outboxQueries.get(projectId, request.params.id));
    },
  );
}
