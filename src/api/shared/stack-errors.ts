import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MailroomError } from '../../core/errors.js';

/**
 * Stack Auth's SDKs turn an error answer into a typed error only when its code is one they know
 * (`KnownError.fromJson`), reading the constructor arguments from `details`. So the Stack family
 * speaks Stack's codes where Stack has one, with the details Stack's constructors read; a Mailroom
 * code Stack has no equivalent for goes out without the known-error header, which is what Stack does
 * for its own plain status errors (the SDK then reports the status and the body).
 */
export interface StackError {
  code: string;
  details?: Record<string, unknown>;
  /** False: a Mailroom-only code, sent without `x-stack-known-error`. */
  known: boolean;
}

const invalidKeyCodes: Record<string, string> = {
  'secret-server-key': 'INVALID_SECRET_SERVER_KEY',
  'super-secret-admin-key': 'INVALID_SUPER_SECRET_ADMIN_KEY',
  'publishable-client-key': 'INVALID_PUBLISHABLE_CLIENT_KEY',
  'admin-access-token': 'INVALID_ADMIN_ACCESS_TOKEN',
};

/** Codes whose Mailroom meaning and details already are Stack's. */
const sameInStack = new Set(['USER_ID_DOES_NOT_EXIST', 'EMAIL_NOT_EDITABLE', 'INVALID_ACCESS_TOKEN']);

export function toStackError(e: MailroomError): StackError {
  const details = e.details;
  switch (e.code) {
    case 'SCHEMA_ERROR':
      // Stack's SchemaError is built from details.message; the field and issues stay beside it.
      return { code: 'SCHEMA_ERROR', details: { ...details, message: e.message }, known: true };
    case 'INVALID_JSON':
      return { code: 'BODY_PARSING_ERROR', details: { message: e.message }, known: true };
    case 'INVALID_API_KEY':
    case 'PROJECT_KEY_MISMATCH': {
      const stackCode = typeof details?.header === 'string' ? invalidKeyCodes[details.header] : undefined;
      if (!stackCode) return { code: e.code, ...(details ? { details } : {}), known: false };
      return { code: stackCode, details: { project_id: details?.project_id ?? null }, known: true };
    }
    case 'UNAUTHENTICATED':
      return { code: 'CLIENT_OR_SERVER_OR_ADMIN_AUTHENTICATION_REQUIRED', known: true };
    case 'NOT_FOUND':
      if (details?.resource === 'user') return { code: 'USER_NOT_FOUND', known: true };
      return { code: e.code, ...(details ? { details } : {}), known: false };
  }
  if (sameInStack.has(e.code)) return { code: e.code, ...(details ? { details } : {}), known: true };
  return { code: e.code, ...(details ? { details } : {}), known: false };
}

/**
 * `x-stack-override-error-status: true` (or the x-hexclave- spelling) asks for error answers as
 * 200 with the real status in `x-stack-actual-status`, for platforms that swallow error statuses.
 * Stack does this for every 4xx/5xx answer, so this runs for every response.
 */
export async function overrideErrorStatus(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const status = reply.statusCode;
  if (status < 400 || status >= 600) return;
  if (request.headers['x-stack-override-error-status'] === undefined && request.headers['x-hexclave-override-error-status'] === undefined) return;
  reply.header('x-stack-actual-status', String(status));
  reply.header('x-hexclave-actual-status', String(status));
  reply.code(200);
}
