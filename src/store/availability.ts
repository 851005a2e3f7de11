/**
 * Telling "the database is down or not answering" apart from every other
 * failure, and turning it into the one coded error the edges map to 503 (HTTP)
 * or 451 (SMTP). Both dialects translate at the driver boundary, so the rest of
 * the store and core see DATABASE_UNAVAILABLE and nothing engine-specific.
 */
import { MailroomError, isMailroomError } from '../core/errors.js';

/** Suggested wait before retrying, in seconds (the Retry-After header). */
export const retryAfterSeconds = 2;

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/** SQLSTATEs meaning the server went away, refuses connections for now, or a bounded wait ran out. */
const unavailableStates = new Set([
  '57P01', // admin shutdown
  '57P02', // crash shutdown
  '57P03', // cannot connect now (starting up, shutting down)
  '53300', // too many connections
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
]);
const pgMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
  /is not queryable/,
  /^Client was closed/,
];

/** Whether `error` means the database could not be reached in time (as opposed to a bad query or a constraint). */
export function isUnavailable(error: unknown): boolean {
  if (isMailroomError(error)) return error.code === 'DATABASE_UNAVAILABLE';
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkCodes.has(code) || unavailableStates.has(code) || code.startsWith('08')) return true;
    if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') return true;
  }
  return pgMessages.some((re) => re.test(error.message));
}

/**
 * Unavailable and the server is not answering at all (refused, dropped, or
 * silent past the client timeout) — as opposed to a server that answered
 * "statement/lock timeout" or SQLite's "busy", which is alive, only slow.
 * Only outages open the fast-503 window.
 */
export function isOutage(error: unknown): boolean {
  if (!isUnavailable(error) || isMailroomError(error)) return false;
  const code = (error as { code?: unknown }).code;
  return !(code === '57014' || code === '55P03' || (typeof code === 'string' && code.startsWith('SQLITE_')));
}

/** A client-side timeout leaves the connection mid-query: it must be discarded, not reused. */
export function isClientTimeout(error: unknown): boolean {
  return error instanceof Error && /^Query read timeout/.test(error.message);
}

/** The coded error for an unavailability failure; any other error is returned as it is. */
export function translate(error: unknown): unknown {
  if (!isUnavailable(error) || isMailroomError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const coded = new MailroomError('DATABASE_UNAVAILABLE', 'the database is unavailable; nothing was done, retry later', { retryAfterSeconds });
  return Object.assign(coded, { cause: error, reason });
}

/**
 * Recent database failures, so requests can be answered 503 at once while the
 * database is known to be down instead of each waiting out its own timeout.
 * One failure opens a short window; the first request after it probes again.
 */
export function createAvailability(windowMs = 1_000, now: () => number = Date.now) {
  let downUntil = 0;
  return {
    failed(): void {
      downUntil = now() + windowMs;
    },
    succeeded(): void {
      downUntil = 0;
    },
    /** True while a failure was seen within the window and nothing has succeeded since. */
    knownDown(): boolean {
      return downUntil > now();
    },
  };
}

export type Availability = ReturnType<typeof createAvailability>;
