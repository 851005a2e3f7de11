import type { FastifyInstance } from 'fastify';
import { invalidField } from '../../core/errors.js';
import { highPriority, type Recipient, type SendContent } from '../../core/outbox/accept.js';
import { sendLimits } from '../../core/outbox/limits.js';
import { principalOf } from '../shared/auth.js';
import { errorSchemas } from '../shared/families.js';
import { idempotencyHeaderSchema, idempotent } from '../shared/idempotent.js';
import type { ApiDeps } from '../deps.js';

interface ContentBody {
  html?: string;
  template_id?: string;
  variables?: Record<string, unknown>;
  draft_id?: string;
}

/** Seed 001's form (`recipients`, `content`) and the flat form Stack Auth's SDK sends (`user_ids`/`all_users`, content at top level). */
interface SendEmailBody extends ContentBody {
  recipients?: string[];
  user_ids?: string[];
  all_users?: boolean;
  subject?: string;
  content?: ContentBody;
  theme_id?: string | null;
  scheduled_at_millis?: number;
  is_high_priority?: boolean;
  notification_category_name?: string;
}

const contentProperties = {
  html: { type: 'string' },
  template_id: {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    description: "A template's id, or a typed template (/api/email-templates) by type and optional language: `SignIn`, `SignIn:de`",
  },
  variables: { type: 'object', additionalProperties: true },
  draft_id: { type: 'string', minLength: 1, maxLength: 200 },
} as const;

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    recipients: { type: 'array', maxItems: sendLimits.maxBroadcastRecipients, items: { type: 'string', minLength: 1, maxLength: 998 } },
    user_ids: { type: 'array', maxItems: sendLimits.maxBroadcastRecipients, items: { type: 'string', minLength: 1, maxLength: 200 } },
    all_users: { type: 'boolean' },
    subject: { type: 'string', minLength: 1, maxLength: sendLimits.maxSubjectLength },
    content: { type: 'object', additionalProperties: false, properties: contentProperties },
    ...contentProperties,
    // Stack Auth themes have no counterpart here; the field is accepted so its SDK's requests validate.
    theme_id: { type: 'string', nullable: true },
    scheduled_at_millis: { type: 'integer', minimum: 0 },
    is_high_priority: { type: 'boolean' },
    notification_category_name: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

function recipientsOf(body: SendEmailBody): readonly Recipient[] | 'all-users' {
  const forms = [body.recipients !== undefined, body.user_ids !== undefined, body.all_users === true].filter(Boolean).length;
  if (forms > 1) throw invalidField('body.recipients', 'give exactly one of recipients, user_ids or all_users');
  if (forms === 0) throw invalidField('body.recipients', 'is required (or user_ids, or all_users: true)');
  if (body.all_users) return 'all-users';
  if (body.user_ids) return body.user_ids.map((userId) => ({ userId }));
  if (body.recipients!.length === 0) throw invalidField('body.recipients', 'must not be empty');
  // Addresses contain '@'; user ids never do.
  return body.recipients!.map((r) => (r.includes('@') ? { email: r } : { userId: r }));
}

function contentOf(body: SendEmailBody): SendContent {
  const flat = body.html !== undefined || body.template_id !== undefined || body.draft_id !== undefined;
  if (body.content && flat) throw invalidField('body.content', 'give content either as an object or at the top level, not both');
  const c: ContentBody = body.content ?? body;
  const field = body.content ? 'body.content' : 'body';
  const given = [c.html !== undefined, c.template_id !== undefined, c.draft_id !== undefined].filter(Boolean).length;
  if (given === 0) throw invalidField('body.content', 'is required: html, template_id (with variables) or draft_id');
  if (given > 1) throw invalidField(field, 'give only one of html, template_id or draft_id');
  if (c.html !== undefined) return { kind: 'body', html: c.html };
  if (c.template_id !== undefined) return { kind: 'template', templateId: c.template_id, variables: c.variables ?? {} };
  return { kind: 'draft', draftId: c.draft_id! };
}

export function sendEmailRoute(app: FastifyInstance, deps: ApiDeps): void {
  app.post<{ Body: SendEmailBody }>(
    '/api/v1/emails/send-email',
    {
      preHandler: deps.auth.require('emails:send'),
      schema: {
        tags: ['emails'],
        summary: 'Send an email to users and/or addresses; answers once every message is committed to the outbox',
        headers: idempotencyHeaderSchema,
        body: bodySchema,
        response: {
          200: {
            type: 'object',
            properties: {
              success: { type: 'boolean' },
              results: { type: 'array', items: { type: 'object', properties: { user_id: { type: 'string' } } } },
            },
          },
          '4xx': errorSchemas.stack,
        },
      },
    },
    async (request, reply) =>
      idempotent(deps.idempotency, request, reply, async () => {
        const body = request.body;
        const recipients = recipientsOf(body);
        const content = contentOf(body);
        const category = body.notification_category_name;
        const { userIds } = await deps.accept.accept(principalOf(request).projectId, {
          source: 'send-email',
          to: recipients,
          fields: { to: 'recipients', scheduledAt: 'scheduled_at_millis', template: 'template_id' },
          subject: body.subject ?? null,
          content,
          scheduledAt: body.scheduled_at_millis ?? null,
          priority: body.is_high_priority ? highPriority : 0,
          // Marketing mail carries List-Unsubscribe; everything else is transactional.
          transactional: category?.toLowerCase() !== 'marketing',
          tags: category ? { notification_category: category } : null,
        });
        const flat = body.recipients === undefined;
        return { status: 200, body: flat ? { success: true, results: userIds.map((user_id) => ({ user_id })) } : { success: true } };
      }),
  );
}
