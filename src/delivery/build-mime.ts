import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type MailMessage from 'nodemailer/lib/mailer/mail-message.js';
import { pooledRandomBytes } from '../core/random-pool.js';
import type { OutboxMessage } from '../core/outbox/types.js';
import type { Project } from '../core/projects/types.js';
import { unsubscribeUrl } from '../core/suppressions/unsubscribe-link.js';

export interface MailInput {
  message: OutboxMessage;
  project: Project;
  to: string;
  subject: string;
  html: string | null;
  text: string;
  publicUrl: string;
  /** Used when neither the message nor the project names a sender. */
  fallbackSender: string;
}

/**
 * The nodemailer message for one outbox row; nodemailer writes the MIME. The
 * Message-ID was fixed when the message was accepted, so every retry (and a
 * resend after a crash) carries the same one.
 */
export function buildMail(input: MailInput): Mail.Options {
  const { message, project } = input;
  // Mailroom's own id, for matching, also when the Message-ID is the one an SMTP client wrote.
  const headers: Record<string, string> = { ...message.headers, 'X-Mailroom-Id': message.id };
  // To and Cc as an SMTP client wrote them (accept keeps them only for SMTP ingest): shown as written, delivered by the envelope.
  const shownTo = takeHeader(headers, 'to');
  const shownCc = takeHeader(headers, 'cc');
  const from = message.from ?? project.settings.defaultSender ?? input.fallbackSender;
  const mail: Mail.Options = {
    messageId: message.messageIdHeader ?? undefined,
    from,
    // The display name given with the address (`"Bob" <bob@example.com>`); the envelope stays the bare address.
    to: shownTo ?? (message.recipientName ? { name: message.recipientName, address: input.to } : input.to),
    subject: input.subject,
    headers,
  };
  // The shared part of the multipart boundaries (nodemailer draws 8 random bytes per MIME part otherwise, ~10 µs each).
  (mail as { baseBoundary?: string }).baseBoundary = pooledRandomBytes(8).toString('hex');
  if (shownTo !== undefined || shownCc !== undefined) {
    mail.envelope = { from, to: [input.to, ...message.cc, ...message.bcc] };
    if (shownCc !== undefined) mail.cc = shownCc;
  }
  if (input.html !== null) mail.html = input.html;
  mail.text = input.text;
  if (message.replyTo) mail.replyTo = message.replyTo;
  if (message.cc.length && mail.cc === undefined) mail.cc = message.cc;
  if (message.bcc.length && !mail.envelope) mail.bcc = message.bcc;
  if (message.attachments.length) {
    mail.attachments = message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      encoding: 'base64',
      ...(a.contentType ? { contentType: a.contentType } : {}),
      // An inline part the html names as cid:…
      ...(a.contentId ? { cid: a.contentId } : {}),
    }));
  }
  if (!message.transactional) {
    // RFC 8058: mailbox providers POST "List-Unsubscribe=One-Click" to the https link.
    mail.list = { unsubscribe: unsubscribeUrl(input.publicUrl, project.signingSecret, project.id, input.to) };
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  if (project.settings.dkim) {
    mail.dkim = {
      domainName: project.settings.dkim.domainName,
      keySelector: project.settings.dkim.keySelector,
      privateKey: project.settings.dkim.privateKey,
    };
  }
  return mail;
}

/** Removes and returns a header, whatever its case. */
function takeHeader(headers: Record<string, string>, lowerName: string): string | undefined {
  const name = Object.keys(headers).find((k) => k.toLowerCase() === lowerName);
  if (name === undefined) return undefined;
  const value = headers[name];
  delete headers[name];
  return value;
}

/** A built message: the exact bytes to send (DKIM-signed when the project signs) and its SMTP envelope. */
export interface BuiltMessage {
  envelope: { from: string | false; to: string[] };
  messageId: string;
  raw: Buffer;
}

/**
 * nodemailer turns Mail.Options into MIME (and applies DKIM as the bytes are
 * produced); this transport only collects those bytes, without Bcc, with CRLF,
 * exactly as an SMTP transport would put them on the wire.
 */
export function createMimeBuilder() {
  const transporter = nodemailer.createTransport({
    name: 'mailroom-mime',
    version: '1',
    send(mail: MailMessage, done: (error: Error | null, info?: BuiltMessage) => void) {
      // The composer parsed any explicit envelope into bare addresses (a display name would be an invalid MAIL FROM).
      const envelope = mail.message.getEnvelope() as BuiltMessage['envelope'];
      const chunks: Buffer[] = [];
      const stream = mail.message.createReadStream();
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.once('error', (error: Error) => done(error));
      stream.once('end', () => done(null, { envelope, messageId: mail.message.messageId(), raw: Buffer.concat(chunks) }));
    },
  } as unknown as nodemailer.Transport<BuiltMessage>);
  return {
    build: (mail: Mail.Options): Promise<BuiltMessage> => transporter.sendMail(mail) as unknown as Promise<BuiltMessage>,
    close: () => transporter.close(),
  };
}
