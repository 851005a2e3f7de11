/**
 * A message received over SMTP, as an accept request (core/outbox/accept.ts
 * owns the rule: one message per recipient, cc riding on the first message
 * only, so every recipient gets exactly one copy).
 *
 * What the client wrote is kept: its Message-ID (Mailroom's own id goes out as
 * X-Mailroom-Id), its custom headers except those Mailroom owns (`ownedHeaders`),
 * and its To and Cc headers as written, while delivery follows the envelope.
 *
 * SMTP names every recipient in the envelope (RCPT TO), including those of the
 * Cc and Bcc headers. An envelope recipient named in the Cc header becomes a cc
 * of the first message (so the Cc header shows there); every other envelope
 * recipient (To and Bcc) gets a message of its own. Cc header addresses missing
 * from the envelope were not asked of us and are left out.
 */
import type { AddressObject, ParsedMail } from 'mailparser';
import { invalidField } from '../core/errors.js';
import { formatMailbox } from '../core/outbox/address.js';
import type { AcceptRequest } from '../core/outbox/accept.js';
import type { Attachment } from '../core/outbox/types.js';

/**
 * Headers Mailroom writes or must control, so they are not carried over: the
 * fields the message is built from, transport traces, its own signature and
 * unsubscribe headers, and the idempotency keys read here. Listed in the README.
 */
export const ownedHeaders: ReadonlySet<string> = new Set([
  'from', 'sender', 'subject', 'reply-to', 'date', 'message-id', 'bcc', 'mime-version',
  'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description',
  'return-path', 'received', 'dkim-signature', 'list-unsubscribe', 'list-unsubscribe-post',
  'x-mailroom-id', 'idempotency-key', 'resend-idempotency-key',
]);
/** Kept as written for display; delivery follows the envelope. */
const addressHeaders: Record<string, string> = { to: 'To', cc: 'Cc' };
const messageIdShape = /^<[^<>\s]{1,900}>$/;

function mailboxes(value: AddressObject | AddressObject[] | undefined) {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value);
}

/** The one mailbox of the From header, as `"Name" <a@b.c>`. */
function sender(parsed: ParsedMail): string {
  const list = mailboxes(parsed.from);
  const only = list.length === 1 ? list[0] : undefined;
  if (!only?.address) throw invalidField('from', 'the From header must name exactly one address');
  // The send path parses and normalises it (a bad address is a SCHEMA_ERROR naming `from`).
  return formatMailbox({ address: only.address, name: only.name });
}

function replyTo(parsed: ParsedMail): string | null {
  const list = mailboxes(parsed.replyTo);
  if (list.length === 0) return null;
  const only = list.length === 1 ? list[0] : undefined;
  if (!only?.address) throw invalidField('replyTo', 'the Reply-To header must name exactly one address');
  return formatMailbox({ address: only.address, name: only.name });
}

/** A raw header line's value, unfolded (RFC 5322 2.2.3). */
const unfolded = (line: string) => line.slice(line.indexOf(':') + 1).replace(/\r?\n(?=[ \t])/g, '').trim();

/** The client's headers Mailroom does not own, the first of each name, as written (encoded words stay encoded). */
function customHeaders(parsed: ParsedMail): Record<string, string> | null {
  const kept: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { key, line } of parsed.headerLines) {
    if (ownedHeaders.has(key) || seen.has(key)) continue;
    seen.add(key);
    const name = addressHeaders[key] ?? line.slice(0, line.indexOf(':')).trim();
    kept[name] = unfolded(line);
  }
  return Object.keys(kept).length > 0 ? kept : null;
}

/** The value of a header Mailroom reads itself (Message-ID, idempotency keys), unfolded; undefined when absent. */
export function headerValue(parsed: ParsedMail, name: string): string | undefined {
  const found = parsed.headerLines.find((h) => h.key === name);
  return found ? unfolded(found.line) : undefined;
}

/**
 * Attachments as base64. Inline images of the html (multipart/related, `cid:`) are already in the
 * html as data: URIs (mailparser's default), since an outbox attachment has no Content-ID; they are
 * not attached a second time.
 */
function attachments(parsed: ParsedMail): Attachment[] | null {
  const attached = parsed.attachments.filter((a) => !(a.related && typeof parsed.html === 'string'));
  if (attached.length === 0) return null;
  return attached.map((a, i) => ({
    filename: a.filename ?? `attachment-${i + 1}`,
    content: a.content.toString('base64'),
    contentType: a.contentType,
  }));
}

/** Lower-cased bare address, for matching envelope recipients against header addresses. */
const comparable = (address: string) => address.trim().toLowerCase();

/** The accept request for one SMTP transaction; throws SCHEMA_ERROR naming what is wrong. */
export function toAcceptRequest(parsed: ParsedMail, rcptTo: readonly string[]): AcceptRequest {
  const from = sender(parsed);
  if (!parsed.subject) throw invalidField('subject', 'is required (the message has no Subject header)');
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  const text = parsed.text ?? (html === null ? '' : null);
  const ccHeader = new Set(mailboxes(parsed.cc).map((m) => comparable(m.address ?? '')));
  const ccRecipients = rcptTo.filter((r) => ccHeader.has(comparable(r)));
  let primaries = rcptTo.filter((r) => !ccHeader.has(comparable(r)));
  // Everyone is in Cc: the first of them carries the message for the others.
  if (primaries.length === 0) primaries = ccRecipients.splice(0, 1);
  const messageId = headerValue(parsed, 'message-id');
  return {
    source: 'smtp',
    to: primaries.map((email) => ({ email })),
    cc: ccRecipients,
    maxRecipients: rcptTo.length,
    from,
    replyTo: replyTo(parsed),
    subject: parsed.subject,
    content: { kind: 'body', html, text },
    headers: customHeaders(parsed),
    keepsAddressHeaders: true,
    attachments: attachments(parsed),
    messageIdHeader: messageId && messageIdShape.test(messageId) ? messageId : null,
  };
}
