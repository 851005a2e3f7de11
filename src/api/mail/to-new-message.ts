import { invalidField } from '../../core/errors.js';
import type { NewMessage } from '../../core/outbox/types.js';

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

/** The shared content of a mail-family request, without its recipient. */
export function mailContent(body: MailMessageBody, prefix = '', defaultTransactional = true): Omit<NewMessage, 'recipient' | 'source'> {
  if (body.html === undefined && body.text === undefined && body.templateId === undefined) {
    throw invalidField(`${prefix}html`, 'give html, text or templateId');
  }
  if (body.subject === undefined && body.templateId === undefined) throw invalidField(`${prefix}subject`, 'is required');
  const tags = Array.isArray(body.tags) ? Object.fromEntries(body.tags.map((t) => [t.name, t.value])) : body.tags;
  return {
    from: body.from,
    cc: list(body.cc),
    bcc: list(body.bcc),
    replyTo: body.replyTo ?? null,
    subject: body.subject ?? null,
    html: body.html ?? null,
    text: body.text ?? null,
    templateId: body.templateId ?? null,
    variables: body.templateVariables ?? null,
    scheduledAt: scheduledAt(body.scheduledAt, `${prefix}scheduledAt`),
    tags: tags ?? null,
    headers: body.headers ?? null,
    attachments: body.attachments ?? null,
    transactional: body.transactional ?? defaultTransactional,
  };
}

/**
 * One outbox message per `to` address (each recipient gets their own message and status).
 * cc and bcc ride on the first message only, so each of them gets one copy, not one per `to`.
 */
export function toNewMessages(body: MailMessageBody, source: string, batchId: string | null, prefix = ''): NewMessage[] {
  const content = mailContent(body, prefix);
  return list(body.to).map((email, i) => ({ ...content, ...(i > 0 ? { cc: [], bcc: [] } : {}), source, batchId, recipient: { email } }));
}
