/** Seed 002 shapes: camelCase, integer epoch-ms times. */
import type { EmailBlock, EmailTemplate } from '../../core/templates/types.js';

export const localeSchema = { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' } as const;

export const blockSchema = {
  type: 'object',
  properties: {
    uuid: { type: 'string' },
    name: { type: 'string' },
    content: { type: 'string' },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
  },
  required: ['uuid', 'name', 'content', 'createdAt'],
} as const;

export const translationsSchema = {
  type: 'object',
  propertyNames: localeSchema,
  additionalProperties: {
    type: 'object',
    propertyNames: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', maxLength: 200 },
    additionalProperties: { type: 'string', maxLength: 100_000 },
  },
} as const;

export const templateSchema = {
  type: 'object',
  properties: {
    uuid: { type: 'string' },
    name: { type: 'string' },
    blocks: { type: 'array', items: { type: 'string' } },
    subject: { type: 'string' },
    body: { type: 'string' },
    translations: translationsSchema,
    parameters: { type: 'array', items: { type: 'string' } },
    inlineCss: { type: 'boolean' },
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
  },
  required: ['uuid', 'name', 'blocks', 'subject', 'body', 'translations', 'parameters', 'createdAt'],
} as const;

export function serializeBlock(block: EmailBlock) {
  return { uuid: block.uuid, name: block.name, content: block.content, createdAt: block.createdAt, updatedAt: block.updatedAt };
}

export function serializeTemplate(t: EmailTemplate) {
  return {
    uuid: t.uuid,
    name: t.name,
    blocks: t.blocks,
    subject: t.subject,
    body: t.body,
    translations: t.translations,
    parameters: t.parameters,
    inlineCss: t.inlineCss,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
