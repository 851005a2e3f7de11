/**
 * SMTP replies for what the ingest refuses. A MailroomError from the send path
 * becomes a permanent 5xx naming the problem (the client must not retry the
 * same message); an unexpected failure (database down) becomes a temporary 451,
 * so the client keeps the message and retries.
 */
import { isMailroomError, type ErrorKind } from '../core/errors.js';

export interface SmtpReply {
  code: number;
  message: string;
}

/** An error smtp-server turns into the reply `code message`. */
export function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(oneLine(message)), { responseCode: code });
}

const codeForKind: Record<ErrorKind, number> = {
  invalid: 554,
  unauthenticated: 530,
  forbidden: 550,
  not_found: 550,
  method_not_allowed: 550,
  conflict: 550,
  too_large: 552,
  unsupported_media: 554,
  rate_limited: 451,
  internal: 451,
  unavailable: 451,
};

const oneLine = (text: string) => text.replace(/[\r\n\0]+/g, ' ').slice(0, 400);

export function smtpReplyFor(error: unknown): SmtpReply {
  if (isMailroomError(error)) return { code: codeForKind[error.kind], message: oneLine(error.message) };
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  if (error instanceof Error && typeof code === 'number') return { code, message: oneLine(error.message) };
  return { code: 451, message: 'Local error; try again later' };
}
