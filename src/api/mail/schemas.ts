/** JSON schemas of the mail family (seed 003): camelCase fields, ISO 8601 times. */
import { outboxStatuses, simpleStatuses } from '../../core/outbox/lifecycle.js';
import { sendLimits } from '../../core/outbox/limits.js';
import { templateTypes } from '../../core/templates/typed-types.js';

const address = { type: 'string', minLength: 3, maxLength: 998 } as const;
const addresses = (max: number) => ({
  anyOf: [address, { type: 'array', minItems: 1, maxItems: max, items: address }],
});

const ccOnce = 'Each `to` address gets its own message; cc and bcc are added to the first of them only, so they get one copy.';

/** One email as /mail/send and each item of /mail/batch take it. */
export const mailMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: {
    from: address,
    to: addresses(sendLimits.maxRecipientsPerMessage),
    cc: { ...addresses(sendLimits.maxRecipientsPerMessage), description: ccOnce },
    bcc: { ...addresses(sendLimits.maxRecipientsPerMessage), description: ccOnce },
    replyTo: address,
    subject: { type: 'string', minLength: 1, maxLength: sendLimits.maxSubjectLength },
    html: { type: 'string' },
    text: { type: 'string' },
    templateId: { type: 'string', minLength: 1, maxLength: 200 },
    templateVariables: { type: 'object', additionalProperties: true },
    templateType: {
      type: 'string',
      enum: [...templateTypes],
      description: 'A typed template (/api/email-templates) to render with templateVariables, chosen by type and `locale` as Logto does; instead of html/text/templateId',
    },
    locale: { type: 'string', minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9-]+$', description: "The typed template's language (default: the project's)" },
    scheduledAt: { type: 'string', minLength: 1, maxLength: 64 },
    tags: {
      anyOf: [
        { type: 'object', additionalProperties: { type: 'string' } },
        {
          type: 'array',
          maxItems: sendLimits.maxTags,
          items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
        },
      ],
    },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    transactional: {
      type: 'boolean',
      description:
        'true (default on /mail/send and /mail/batch): a message the recipient asked for (receipt, code, reset). false (default on /mail/broadcast): bulk or marketing mail, sent with List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) one-click unsubscribe headers. Suppressed addresses are skipped either way.',
    },
    attachments: {
      type: 'array',
      maxItems: sendLimits.maxAttachments,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['filename', 'content'],
        properties: { filename: { type: 'string', minLength: 1 }, content: { type: 'string' }, contentType: { type: 'string' } },
      },
    },
  },
} as const;

const { cc: _cc, bcc: _bcc, ...broadcastProperties } = mailMessageSchema.properties;

/** /mail/broadcast: the same content to many addresses, each its own message; no cc or bcc (they would get a copy per recipient). */
export const broadcastSchema = {
  ...mailMessageSchema,
  properties: {
    ...broadcastProperties,
    to: { type: 'array', minItems: 1, maxItems: sendLimits.maxBroadcastRecipients, items: address },
  },
} as const;

export const mailEmailSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    from: { type: 'string', nullable: true },
    to: { type: 'string', nullable: true },
    toUserId: { type: 'string', nullable: true },
    cc: { type: 'array', items: { type: 'string' } },
    bcc: { type: 'array', items: { type: 'string' } },
    replyTo: { type: 'string', nullable: true },
    subject: { type: 'string', nullable: true },
    html: { type: 'string', nullable: true },
    text: { type: 'string', nullable: true },
    status: { type: 'string' },
    simpleStatus: { type: 'string' },
    templateId: { type: 'string', nullable: true },
    templateVariables: { type: 'object', additionalProperties: true },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    attachments: {
      type: 'array',
      items: { type: 'object', properties: { filename: { type: 'string' }, contentType: { type: 'string', nullable: true }, size: { type: 'integer' } } },
    },
    batchId: { type: 'string', nullable: true },
    messageId: { type: 'string', nullable: true },
    scheduledAt: { type: 'string', nullable: true },
    sentAt: { type: 'string', nullable: true },
    skipReason: { type: 'string', nullable: true },
    lastError: { type: 'string', nullable: true },
    attempts: { type: 'integer' },
    captured: { type: 'boolean', description: 'true when the capture transport took the message (no SMTP_URL): it was stored, not delivered' },
    statusHistory: {
      type: 'array',
      items: { type: 'object', properties: { status: { type: 'string' }, reason: { type: 'string', nullable: true }, at: { type: 'string' } } },
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
} as const;

export const mailStatusFilter = { type: 'string', enum: [...outboxStatuses, ...simpleStatuses] } as const;

export const emailIdParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 200 } }, required: ['id'] } as const;
