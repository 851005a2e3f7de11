/** Seed 004 shapes (Logto-style): camelCase, epoch-ms numbers. */
import { templateTypes, type TypedTemplate } from '../../core/templates/typed-types.js';

export const templateTypeSchema = { type: 'string', enum: [...templateTypes] } as const;
export const languageTagSchema = { type: 'string', minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9-]+$' } as const;

const detailFields = {
  subject: { type: 'string', maxLength: 10_000 },
  content: { type: 'string', maxLength: 1_000_000 },
  contentType: { type: 'string', enum: ['text/html', 'text/plain'] },
  replyTo: { type: 'string', maxLength: 1000 },
  sendFrom: { type: 'string', maxLength: 1000 },
} as const;

export const detailsBodySchema = { type: 'object', additionalProperties: false, required: ['subject', 'content'], properties: detailFields } as const;
export const detailsPatchSchema = { type: 'object', additionalProperties: false, properties: detailFields } as const;

export const typedTemplateSchema = {
  type: 'object',
  properties: {
    tenantId: { type: 'string' },
    id: { type: 'string' },
    languageTag: { type: 'string' },
    templateType: { type: 'string' },
    details: { type: 'object', properties: detailFields },
    createdAt: { type: 'number' },
  },
  required: ['tenantId', 'id', 'languageTag', 'templateType', 'details', 'createdAt'],
} as const;

export const filterQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { languageTag: languageTagSchema, templateType: templateTypeSchema },
} as const;

export function serializeTypedTemplate(t: TypedTemplate) {
  return { tenantId: t.tenantId, id: t.id, languageTag: t.languageTag, templateType: t.templateType, details: t.details, createdAt: t.createdAt };
}
