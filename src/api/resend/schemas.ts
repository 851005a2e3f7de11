/** JSON schemas of the Resend-compatible family: Resend's snake_case fields, ISO 8601 times. */
import { sendLimits } from '../../core/outbox/limits.js';

const address = { type: 'string', minLength: 3, maxLength: 998 } as const;
const addresses = { anyOf: [address, { type: 'array', minItems: 1, maxItems: sendLimits.maxRecipientsPerMessage, items: address }] } as const;

/** One email as POST /emails and each item of POST /emails/batch take it. */
export const resendEmailSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: {
    from: { ...address, description: "Required unless a template gives it (a typed template's sendFrom, or the project's default sender)" },
    to: addresses,
    cc: addresses,
    bcc: addresses,
    reply_to: addresses,
    subject: { type: 'string', minLength: 1, maxLength: sendLimits.maxSubjectLength },
    html: { type: 'string' },
    text: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    tags: {
      type: 'array',
      maxItems: sendLimits.maxTags,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'value'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 256 }, value: { type: 'string', maxLength: 256 } },
      },
    },
    attachments: {
      type: 'array',
      maxItems: sendLimits.maxAttachments,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          content: { type: 'string' },
          path: { type: 'string' },
          filename: { type: 'string', minLength: 1 },
          content_type: { type: 'string' },
          content_id: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
    },
    template: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description: "A template's id, or a typed template (/api/email-templates) by type and optional language: `SignIn`, `SignIn:de`",
        },
        variables: { type: 'object', additionalProperties: true },
      },
    },
    scheduled_at: { type: 'string', minLength: 1, maxLength: 100, description: 'ISO 8601, or natural language such as "in 1 hour" or "tomorrow at 9am"' },
    topic_id: { type: 'string' },
  },
} as const;

export const emailIdParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;

const stringList = { type: 'array', items: { type: 'string' }, nullable: true } as const;

/** An email as Resend answers GET /emails/:id. */
export const resendEmailObjectSchema = {
  type: 'object',
  properties: {
    object: { type: 'string' },
    id: { type: 'string' },
    to: { type: 'array', items: { type: 'string' } },
    from: { type: 'string', nullable: true },
    created_at: { type: 'string' },
    subject: { type: 'string', nullable: true },
    html: { type: 'string', nullable: true },
    text: { type: 'string', nullable: true },
    cc: stringList,
    bcc: stringList,
    reply_to: stringList,
    last_event: { type: 'string' },
    scheduled_at: { type: 'string', nullable: true },
    tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string' } } } },
  },
} as const;

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 256 } },
} as const;
