import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import pLimit from 'p-limit';
import type { Clock } from '../../core/clock.js';
import type { CaptureStore } from '../../core/delivery/types.js';
import { classifyError, type SendResult } from '../smtp-reply.js';
import type { Transport } from './transport.js';

/**
 * The zero-configuration transport: nodemailer builds (and DKIM-signs) the exact
 * MIME it would send, and it is stored in the database, readable by any process
 * through the dev inbox API and `mailroom inbox`.
 */
export function createCaptureTransport(deps: { store: CaptureStore; clock: Clock }): Transport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  // No connections to bound by; this keeps a crash's unknown outcomes as few as SMTP's default pool would.
  const inFlight = pLimit(10);
  return {
    inFlight: (work) => inFlight(work),
    prepare: (mail) => ({ mail }),
    async send({ mail }, context, handOff): Promise<SendResult | undefined> {
      try {
        // The stream transport keeps a Bcc header that SMTP delivery leaves out. To store exactly the MIME SMTP
        // would send, Bcc goes into the envelope only (computed by nodemailer from the original message).
        const envelope = mail.envelope ?? new MailComposer(mail).compile().getEnvelope();
        const info = await transporter.sendMail({ ...mail, bcc: undefined, envelope });
        if (!(await handOff())) return undefined;
        const id = randomUUID();
        await deps.store.insert({
          id,
          projectId: context.projectId,
          outboxMessageId: context.outboxMessageId,
          messageIdHeader: info.messageId ?? null,
          envelopeFrom: info.envelope.from || null,
          envelopeTo: info.envelope.to.map((a) => a.toLowerCase()),
          subject: typeof mail.subject === 'string' ? mail.subject : null,
          raw: info.message.toString('utf8'),
          createdAt: deps.clock.now(),
        });
        return { kind: 'sent', response: `250 captured as ${id}`, queueId: id, code: 250, enhancedCode: null, captured: true };
      } catch (error) {
        return classifyError(error);
      }
    },
    close: async () => transporter.close(),
  };
}
