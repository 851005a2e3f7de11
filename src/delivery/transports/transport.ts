import type Mail from 'nodemailer/lib/mailer/index.js';
import type { SendResult } from '../smtp-reply.js';

/** Where a built message goes: an SMTP relay, or the capture inbox. */
export interface Transport {
  /** Never throws: every failure is classified into a result. */
  send(mail: Mail.Options, context: { projectId: string; outboxMessageId: string; recipient?: string }): Promise<SendResult>;
  close(): void;
}
