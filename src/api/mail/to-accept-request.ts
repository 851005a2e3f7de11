import { invalidField } from '../../core/errors.js';
import type { AcceptRequest, SendContent } from '../../core/outbox/accept.js';
import type { TemplateType } from '../../core/templates/typed-types.js';

export interface MailMessageBody {
  from: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  replyTo?: string;
  subject?: string;
  html?: string;
  text?: string;
  templateId?: string;
  templateVariables?: Record<string, unknown>;
  templateType?: TemplateType;
  locale?: string;
  scheduledAt?: string;
  tags?: Record<string, string> | Array<{ name: string; value: string }>;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: string; contentType?: string }>;
  /** Bulk/marketing mail is `false`: it carries List-Unsubscribe (RFC 8058). */
  transactional?: boolean;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function scheduledAt(value: string | undefined, field: string): number | null {
  if (value === undefined) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalidField(field, 'must be an ISO 8601 time');
  return at;
}

function contentOf(body: MailMessageBody): SendContent {
  if (body.templateType !== undefined) {
    return { kind: 'typed', templateType: body.templateType, locale: body.locale ?? null, variables: body.templateVariables ?? {} };
  }
  if (body.templateId !== undefined) return { kind: 'template', templateId: body.templateId, variables: body.templateVariables ?? null };
  return { kind: 'body', html: body.html ?? null, text: body.text ?? null };
}

/**
 * A mail-family email as an accept request: each `to` gets its own message and
 * cc/bcc ride on the first (the rule lives in core/outbox/accept.ts).
 */
export function toAcceptRequest(body: MailMessageBody, source: string, batchId: string | null, prefix = '', defaultTransactional = true): AcceptRequest {
  const templated = body.templateId !== undefined || body.templateType !== undefined;
  if (body.html === undefined && body.text === undefined && !templated) {
    throw invalidField(`${prefix}html`, 'give html, text, templateId or templateType');
  }
  if (body.templateId !== undefined && body.templateType !== undefined) throw invalidField(`${prefix}templateType`, 'give templateId or templateType, not both');
  if (body.templateType !== undefined && (body.html !== undefined || body.text !== undefined)) {
    throw invalidField(`${prefix}templateType`, 'the typed template gives the body: leave out html and text');
  }
  if (body.locale !== undefined && body.templateType === undefined) throw invalidField(`${prefix}locale`, "names a typed template's language: give templateType with it");
  if (body.subject === undefined && !templated) throw invalidField(`${prefix}subject`, 'is required');
  const tags = Array.isArray(body.tags) ? Object.fromEntries(body.tags.map((t) => [t.name, t.value])) : body.tags;
  return {
    source,
    batchId,
    to: list(body.to).map((email) => ({ email })),
    cc: list(body.cc),
    bcc: list(body.bcc),
    from: body.from,
    replyTo: body.replyTo ?? null,
    subject: body.subject ?? null,
    content: contentOf(body),
    fields: { template: `${prefix}${body.templateType !== undefined ? 'templateType' : 'templateId'}` },
    scheduledAt: scheduledAt(body.scheduledAt, `${prefix}scheduledAt`),
    tags: tags ?? null,
    headers: body.headers ?? null,
    attachments: body.attachments ?? null,
    transactional: body.transactional ?? defaultTransactional,
  };
}
