/**
 * A message received over SMTP, as outbox messages. The rules are the mail
 * family's (src/api/mail/to-new-message.ts): one message per recipient, and cc
 * riding on the first message only, so every recipient gets exactly one copy.
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
import type { Attachment, NewMessage } from '../core/outbox/types.js';

/** Headers carried over as custom headers: the ones that keep a reply in its thread. */
const keptHeaders = ['in-reply-to', 'references'] as const;

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

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

function customHeaders(parsed: ParsedMail): Record<string, string> | null {
  const kept: Record<string, string> = {};
  for (const name of keptHeaders) {
    const text = headerText(parsed.headers.get(name));
    if (text) kept[name === 'in-reply-to' ? 'In-Reply-To' : 'References'] = text;
  }
  return Object.keys(kept).length > 0 ? kept : null;
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

/** One NewMessage per envelope recipient not named in Cc; throws SCHEMA_ERROR naming what is wrong. */
export function toNewMessages(parsed: ParsedMail, rcptTo: readonly string[]): NewMessage[] {
  const from = sender(parsed);
  if (!parsed.subject) throw invalidField('subject', 'is required (the message has no Subject header)');
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  const text = parsed.text ?? (html === null ? '' : null);
  const ccHeader = new Set(mailboxes(parsed.cc).map((m) => comparable(m.address ?? '')));
  const ccRecipients = rcptTo.filter((r) => ccHeader.has(comparable(r)));
  let primaries = rcptTo.filter((r) => !ccHeader.has(comparable(r)));
  // Everyone is in Cc: the first of them carries the message for the others.
  if (primaries.length === 0) primaries = ccRecipients.splice(0, 1);
  const content = {
    source: 'smtp',
    batchId: null,
    from,
    replyTo: replyTo(parsed),
    subject: parsed.subject,
    html,
    text,
    headers: customHeaders(parsed),
    attachments: attachments(parsed),
  };
  return primaries.map((email, i) => ({ ...content, cc: i === 0 ? ccRecipients : [], bcc: [], recipient: { email } }));
}
