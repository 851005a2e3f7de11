/**
 * Checks a message before it enters the outbox, whatever the family: addresses
 * parsed (RFC 5322, IDN), no line breaks in header values, sizes within limits.
 * Returns the message with addresses normalised. Throws SCHEMA_ERROR naming the field.
 */
import { invalidField } from '../errors.js';
import { assertHeaderValue, normaliseAddress, parseMailbox } from './address.js';
import { sendLimits } from './limits.js';
import type { Attachment, SharedContent } from './types.js';

// Headers Mailroom writes itself; letting a caller set them would forge or break the message.
const reservedHeaders = new Set([
  'from', 'to', 'cc', 'bcc', 'subject', 'reply-to', 'sender', 'date', 'message-id', 'mime-version',
  'content-type', 'content-transfer-encoding', 'list-unsubscribe', 'list-unsubscribe-post', 'return-path', 'dkim-signature',
]);
const noTrusted: ReadonlySet<string> = new Set();
const headerName = /^[!-9;-~]{1,76}$/;
const tagKey = /^[A-Za-z0-9_.:-]{1,64}$/;
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
const mimeType = /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}$/;

function checkBody(field: string, value: string | null | undefined): void {
  if (value !== null && value !== undefined && Buffer.byteLength(value) > sendLimits.maxBodyBytes) {
    throw invalidField(field, `must be at most ${sendLimits.maxBodyBytes} bytes`);
  }
}

export function validateSubject(field: string, subject: string | null | undefined): void {
  if (subject === null || subject === undefined) return;
  assertHeaderValue(field, subject);
  if (subject.length > sendLimits.maxSubjectLength) throw invalidField(field, `must be at most ${sendLimits.maxSubjectLength} characters`);
}

/** How far ahead a message may be scheduled; anything later is a unit mistake (seconds for ms, µs) that no date can show. */
export const maxScheduleAheadMs = 366 * 24 * 60 * 60 * 1000;

/** A scheduled time (epoch ms) is at most a year from now; null or absent means "now". */
export function validateScheduledAt(field: string, at: number | null | undefined, now: number): void {
  if (at === null || at === undefined) return;
  if (!Number.isFinite(at) || at > now + maxScheduleAheadMs) throw invalidField(field, 'must be at most one year from now');
}

export function validateBody(field: string, html: string | null | undefined): void {
  checkBody(field, html);
}

/** Header names a caller may not set (SMTP ingest keeps To and Cc as written; see accept.ts). */
export function isReservedHeader(name: string): boolean {
  return reservedHeaders.has(name.toLowerCase());
}

function checkHeaders(headers: Record<string, string>, trusted: ReadonlySet<string> = noTrusted): void {
  const entries = Object.entries(headers);
  if (entries.length > sendLimits.maxHeaders) throw invalidField('headers', `at most ${sendLimits.maxHeaders} headers`);
  for (const [name, value] of entries) {
    if (!headerName.test(name)) throw invalidField(`headers.${name}`, 'is not a valid header name');
    if (reservedHeaders.has(name.toLowerCase()) && !trusted.has(name.toLowerCase())) throw invalidField(`headers.${name}`, 'is set by Mailroom and cannot be overridden');
    if (typeof value !== 'string') throw invalidField(`headers.${name}`, 'must be a string');
    assertHeaderValue(`headers.${name}`, value);
    if (value.length > 998) throw invalidField(`headers.${name}`, 'is too long');
  }
}

function checkTags(tags: Record<string, string>): void {
  const entries = Object.entries(tags);
  if (entries.length > sendLimits.maxTags) throw invalidField('tags', `at most ${sendLimits.maxTags} tags`);
  for (const [key, value] of entries) {
    if (!tagKey.test(key)) throw invalidField(`tags.${key}`, 'tag names are 1-64 letters, digits, _ . : -');
    if (typeof value !== 'string' || value.length > 256) throw invalidField(`tags.${key}`, 'must be a string of at most 256 characters');
  }
}

function checkAttachments(attachments: Attachment[]): Attachment[] {
  if (attachments.length > sendLimits.maxAttachments) throw invalidField('attachments', `at most ${sendLimits.maxAttachments} attachments`);
  let total = 0;
  return attachments.map((a, i) => {
    const field = `attachments[${i}]`;
    if (!a.filename || a.filename.length > 255) throw invalidField(`${field}.filename`, 'is required, at most 255 characters');
    assertHeaderValue(`${field}.filename`, a.filename);
    if (a.contentType !== undefined && !mimeType.test(a.contentType)) throw invalidField(`${field}.contentType`, 'is not a MIME type');
    const content = a.content.replace(/\s+/g, '');
    if (content.length % 4 !== 0 || !base64.test(content)) throw invalidField(`${field}.content`, 'must be base64');
    const size = (content.length / 4) * 3 - (content.endsWith('==') ? 2 : content.endsWith('=') ? 1 : 0);
    if (size > sendLimits.maxAttachmentBytes) throw invalidField(`${field}.content`, `must decode to at most ${sendLimits.maxAttachmentBytes} bytes`);
    total += size;
    if (total > sendLimits.maxTotalAttachmentBytes) throw invalidField('attachments', `must total at most ${sendLimits.maxTotalAttachmentBytes} bytes`);
    return { filename: a.filename, content, ...(a.contentType ? { contentType: a.contentType } : {}) };
  });
}

/** Checks what a request shares and returns it normalised (addresses, attachment base64). */
export function validateContent(content: SharedContent, trustedHeaders: ReadonlySet<string> = noTrusted): SharedContent {
  validateSubject('subject', content.subject);
  checkBody('html', content.html);
  checkBody('text', content.text);
  if (content.headers) checkHeaders(content.headers, trustedHeaders);
  if (content.tags) checkTags(content.tags);
  return {
    ...content,
    from: content.from ? normaliseAddress('from', content.from) : null,
    replyTo: content.replyTo ? normaliseAddress('replyTo', content.replyTo) : null,
    attachments: content.attachments?.length ? checkAttachments(content.attachments) : null,
  };
}

/** cc and bcc, normalised; with the one recipient they ride with, at most maxRecipientsPerMessage. */
export function validateCopies(cc: readonly string[], bcc: readonly string[]): { cc: string[]; bcc: string[] } {
  const normalisedCc = cc.map((a, i) => normaliseAddress(`cc[${i}]`, a));
  const normalisedBcc = bcc.map((a, i) => normaliseAddress(`bcc[${i}]`, a));
  if (1 + cc.length + bcc.length > sendLimits.maxRecipientsPerMessage) {
    throw invalidField('cc', `a message has at most ${sendLimits.maxRecipientsPerMessage} recipients`);
  }
  return { cc: normalisedCc, bcc: normalisedBcc };
}
