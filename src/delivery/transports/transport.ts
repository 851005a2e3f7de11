import type Mail from 'nodemailer/lib/mailer/index.js';
import type { BuiltMessage } from '../build-mime.js';
import type { SendResult } from '../smtp-reply.js';

/**
 * Marks the message handed off (rendering -> sending) right before it goes out;
 * resolves false when the row was paused, cancelled or given back meanwhile, and then nothing is sent.
 */
export type HandOff = () => Promise<boolean>;

/** A message on its way: its nodemailer options and, when the transport builds ahead, its bytes being built. */
export interface PreparedMail {
  mail: Mail.Options;
  /** Never rejects unhandled: a build failure surfaces (and is classified) in `send`. */
  built?: Promise<BuiltMessage>;
}

/** Where a built message goes: an SMTP relay, or the capture inbox. */
export interface Transport {
  /**
   * Starts a message's CPU work (for SMTP: its MIME, on the MIME threads) as
   * soon as it is rendered, so it is ready when a connection is; nothing is
   * handed off or sent here.
   */
  prepare(mail: Mail.Options): PreparedMail;
  /**
   * Sends one message, calling `handOff` once, as late as possible before the
   * message leaves (for SMTP: with a connection ready). Never throws: every
   * failure is classified into a result. Undefined: not handed off, nothing sent.
   */
  send(prepared: PreparedMail, context: { projectId: string; outboxMessageId: string; recipient?: string }, handOff: HandOff): Promise<SendResult | undefined>;
  /**
   * Runs `work` (one send and the recording of its outcome) within the
   * transport's in-flight bound, so at any moment at most that many messages
   * are handed off without a recorded outcome (what a crash can leave unknown).
   */
  inFlight<T>(work: () => Promise<T>): Promise<T>;
  /** Closes connections at once (sends still on them end as connection failures). */
  close(): Promise<void>;
}
