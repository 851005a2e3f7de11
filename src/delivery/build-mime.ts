import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type MailMessage from 'nodemailer/lib/mailer/mail-message.js';
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
  const headers: Record<string, string> = { ...message.headers };
  const mail: Mail.Options = {
    messageId: message.messageIdHeader ?? undefined,
    from: message.from ?? project.settings.defaultSender ?? input.fallbackSender,
    // The display name given with the address (`"Bob" <bob@example.com>`); the envelope stays the bare address.
    to: message.recipientName ? { name: message.recipientName, address: input.to } : input.to,
    subject: input.subject,
    headers,
  };
  if (input.html !== null) mail.html = input.html;
  mail.text = input.text;
  if (message.replyTo) mail.replyTo = message.replyTo;
  if (message.cc.length) mail.cc = message.cc;
  if (message.bcc.length) mail.bcc = message.bcc;
  if (message.attachments.length) {
    mail.attachments = message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      encoding: 'base64',
      ...(a.contentType ? { contentType: a.contentType } : {}),
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
      const envelope = (mail.data.envelope ?? mail.message.getEnvelope()) as BuiltMessage['envelope'];
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
