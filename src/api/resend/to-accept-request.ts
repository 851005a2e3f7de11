import * as chrono from 'chrono-node';
import { invalidField } from '../../core/errors.js';
import type { AcceptRequest } from '../../core/outbox/accept.js';
import type { Attachment } from '../../core/outbox/types.js';

export interface ResendEmailBody {
  from?: string;
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  reply_to?: string | string[];
  subject?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  tags?: Array<{ name: string; value: string }>;
  attachments?: Array<{ content?: string; path?: string; filename?: string; content_type?: string; content_id?: string }>;
  template?: { id: string; variables?: Record<string, unknown> };
  scheduled_at?: string;
  topic_id?: string;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isoLike = /^\d{4}-\d{2}-\d{2}/;

/**
 * Resend's `scheduled_at`: an ISO 8601 time, or natural language ("in 1 hour", "tomorrow at 9am"),
 * read by chrono relative to now and towards the future.
 */
export function parseScheduledAt(value: string | undefined, now: number, field = 'scheduled_at'): number | null {
  if (value === undefined) return null;
  if (isoLike.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw invalidField(field, 'must be an ISO 8601 time or a phrase such as "in 1 hour"');
    return at;
  }
  const at = chrono.parseDate(value, new Date(now), { forwardDate: true });
  if (!at) throw invalidField(field, 'must be an ISO 8601 time or a phrase such as "in 1 hour"');
  return at.getTime();
}

export type FetchAttachment = (url: string) => Promise<{ content: Buffer; contentType: string | null }>;

/**
 * Attachments given by `path` (a URL) fetched now, under the egress policy and size and time limits,
 * and turned into content; a failure is a 422 naming `attachments[i].path`.
 */
export async function fetchPaths(body: ResendEmailBody, fetch: FetchAttachment, prefix = ''): Promise<ResendEmailBody> {
  if (!body.attachments?.some((a) => a.path !== undefined)) return body;
  const attachments = await Promise.all(
    body.attachments.map(async (a, i) => {
      if (a.path === undefined) return a;
      const field = `${prefix}attachments[${i}].path`;
      if (a.content !== undefined) throw invalidField(field, 'give content or path, not both');
      const fetched = await fetch(a.path).catch((error: unknown) => {
        throw invalidField(field, error instanceof Error ? error.message : String(error));
      });
      const { path, ...rest } = a;
      const name = rest.filename ?? decodeURIComponent(new URL(path).pathname.split('/').pop() ?? '');
      return {
        ...rest,
        content: fetched.content.toString('base64'),
        ...(name ? { filename: name } : {}),
        ...(rest.content_type === undefined && fetched.contentType ? { content_type: fetched.contentType } : {}),
      };
    }),
  );
  return { ...body, attachments };
}

function attachments(body: ResendEmailBody, prefix: string): Attachment[] | null {
  if (!body.attachments?.length) return null;
  return body.attachments.map((a, i) => {
    const field = `${prefix}attachments[${i}]`;
    if (a.path !== undefined) throw invalidField(`${field}.path`, 'was not fetched');
    if (a.content === undefined) throw invalidField(`${field}.content`, 'is required');
    if (!a.filename) throw invalidField(`${field}.filename`, 'is required');
    return {
      filename: a.filename,
      content: a.content,
      ...(a.content_type ? { contentType: a.content_type } : {}),
      ...(a.content_id ? { contentId: a.content_id } : {}),
    };
  });
}

/**
 * A Resend email as an accept request: each `to` address gets its own message (as in the mail
 * family) and cc/bcc ride on the first (the rule lives in core/outbox/accept.ts).
 */
export function toAcceptRequest(body: ResendEmailBody, source: string, batchId: string | null, now: number, prefix = ''): AcceptRequest {
  if (body.html === undefined && body.text === undefined && body.template === undefined) {
    throw invalidField(`${prefix}html`, 'give html, text or template');
  }
  if (body.template !== undefined && (body.html !== undefined || body.text !== undefined)) {
    throw invalidField(`${prefix}template`, 'the template gives the body: leave out html and text');
  }
  if (body.subject === undefined && body.template === undefined) throw invalidField(`${prefix}subject`, 'is required');
  if (body.from === undefined && body.template === undefined) throw invalidField(`${prefix}from`, 'is required');
  const replyTo = list(body.reply_to);
  if (replyTo.length > 1) throw invalidField(`${prefix}reply_to`, 'Mailroom keeps one reply-to address per email');
  return {
    source,
    batchId,
    to: list(body.to).map((email) => ({ email })),
    cc: list(body.cc),
    bcc: list(body.bcc),
    from: body.from ?? null,
    replyTo: replyTo[0] ?? null,
    subject: body.subject ?? null,
    content: body.template
      ? { kind: 'template', templateId: body.template.id, variables: body.template.variables ?? null }
      : { kind: 'body', html: body.html ?? null, text: body.text ?? null },
    scheduledAt: parseScheduledAt(body.scheduled_at, now, `${prefix}scheduled_at`),
    tags: body.tags ? Object.fromEntries(body.tags.map((t) => [t.name, t.value])) : null,
    headers: body.headers ?? null,
    attachments: attachments(body, prefix),
    fields: { to: `${prefix}to`, scheduledAt: `${prefix}scheduled_at`, template: `${prefix}template.id` },
  };
}
