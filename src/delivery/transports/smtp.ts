import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { classifyError, enhancedCode, basicCode, queueIdOf, type SendResult } from '../smtp-reply.js';
import type { Transport } from './transport.js';

export interface SmtpOptions {
  /** smtp://user:pass@host:port or smtps://…; TLS options as query, e.g. ?tls.rejectUnauthorized=false */
  url: string;
  maxConnections: number;
  timeoutMs: number;
}

/** Pooled SMTP through nodemailer: connections are reused across messages and batches. */
export function createSmtpTransport(options: SmtpOptions): Transport {
  const transporter = nodemailer.createTransport({
    pool: true,
    url: options.url,
    maxConnections: options.maxConnections,
    maxMessages: Infinity,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  } as nodemailer.TransportOptions);
  return {
    async send(mail: Mail.Options, context): Promise<SendResult> {
      try {
        const info = await transporter.sendMail(mail);
        const response: string = info.response ?? '';
        const recipient = context.recipient;
        const rejected = (info.rejected ?? []).map((a) => (typeof a === 'string' ? a : a.address).toLowerCase());
        // With cc/bcc the server may accept the transaction yet refuse the main recipient.
        if (recipient && rejected.includes(recipient.toLowerCase())) {
          const errors = (info as { rejectedErrors?: { recipient?: string }[] }).rejectedErrors ?? [];
          const error = errors.find((e) => e.recipient?.toLowerCase() === recipient.toLowerCase());
          return classifyError(error ?? { responseCode: 550, response: `recipient ${recipient} rejected` });
        }
        return { kind: 'sent', response, queueId: queueIdOf(response), code: basicCode(response), enhancedCode: enhancedCode(response) };
      } catch (error) {
        return classifyError(error);
      }
    },
    close: () => transporter.close(),
  };
}
