import type Mail from 'nodemailer/lib/mailer/index.js';
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
