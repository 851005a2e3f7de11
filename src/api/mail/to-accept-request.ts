import { invalidField } from '../../core/errors.js';
import type { AcceptRequest } from '../../core/outbox/accept.js';

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
  scheduledAt?: string;
  tags?: Record<string, string> | Array<{ name: string; value: string }>;
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: string; contentType?: string }>;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function scheduledAt(value: string | undefined, field: string): number | null {
  if (value === undefined) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalidField(field, 'must be an ISO 8601 time');
  return at;
}

/**
 * A mail-family email as an accept request: each `to` gets its own message and
 * cc/bcc ride on the first (the rule lives in core/outbox/accept.ts).
 */
export function toAcceptRequest(body: MailMessageBody, source: string, batchId: string | null, prefix = ''): AcceptRequest {
  if (body.html === undefined && body.text === undefined && body.templateId === undefined) {
    throw invalidField(`${prefix}html`, 'give html, text or templateId');
  }
  if (body.subject === undefined && body.templateId === undefined) throw invalidField(`${prefix}subject`, 'is required');
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
    content:
      body.templateId !== undefined
        ? { kind: 'template', templateId: body.templateId, variables: body.templateVariables ?? null }
        : { kind: 'body', html: body.html ?? null, text: body.text ?? null },
    scheduledAt: scheduledAt(body.scheduledAt, `${prefix}scheduledAt`),
    tags: tags ?? null,
    headers: body.headers ?? null,
    attachments: body.attachments ?? null,
  };
}
