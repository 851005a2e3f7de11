/**
 * The coded error catalog. Core code throws MailroomError with a code from here;
 * each API family maps it to its own envelope and HTTP status at the edge.
 * Core never knows about HTTP: `kind` says what sort of failure it is.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media'
  | 'rate_limited'
  | 'internal'
  /** A dependency (the database) is down or not answering in time; nothing was done, retry later. */
  | 'unavailable';

export const errorCatalog = {
  SCHEMA_ERROR: { kind: 'invalid', meaning: 'The request does not match the schema; details name the field.' },
  INVALID_JSON: { kind: 'invalid', meaning: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { kind: 'unsupported_media', meaning: 'The request content type is not accepted.' },
  BODY_TOO_LARGE: { kind: 'too_large', meaning: 'The request body exceeds the configured limit.' },
  ROUTE_NOT_FOUND: { kind: 'not_found', meaning: 'No route matches this path.' },
  METHOD_NOT_ALLOWED: { kind: 'method_not_allowed', meaning: 'The path exists but not for this method; the Allow header lists those it takes.' },
  NOT_FOUND: { kind: 'not_found', meaning: 'The resource does not exist in this project.' },
  UNAUTHENTICATED: { kind: 'unauthenticated', meaning: 'No credentials were presented.' },
  INVALID_API_KEY: { kind: 'unauthenticated', meaning: 'The key is unknown, revoked, or not valid for this header.' },
  PROJECT_KEY_MISMATCH: { kind: 'unauthenticated', meaning: 'The key does not belong to the project named in the request.' },
  PROJECT_ID_REQUIRED: { kind: 'unauthenticated', meaning: 'x-stack-project-id must accompany x-stack-* keys.' },
  INVALID_ACCESS_TOKEN: { kind: 'unauthenticated', meaning: 'The end-user token is invalid, expired or for another project.' },
  INSUFFICIENT_PERMISSION: { kind: 'forbidden', meaning: 'The credential lacks the permission this endpoint requires.' },
  USER_ID_DOES_NOT_EXIST: { kind: 'invalid', meaning: 'A recipient user id does not exist in this project.' },
  EMAIL_NOT_EDITABLE: { kind: 'invalid', meaning: 'The email is past the states in which it can be edited.' },
  IDEMPOTENCY_CONFLICT: { kind: 'conflict', meaning: 'The idempotency key was used with another body, or is in flight.' },
  CONFLICT: { kind: 'conflict', meaning: 'The change conflicts with the current state of another resource.' },
  VERIFICATION_NOT_PENDING: { kind: 'invalid', meaning: 'No email verification is in progress for this user.' },
  VERIFICATION_CODE_INVALID: { kind: 'invalid', meaning: 'The verification code is wrong; details give the attempts left.' },
  VERIFICATION_CODE_EXPIRED: { kind: 'invalid', meaning: 'The verification code has expired.' },
  VERIFICATION_CODE_VOID: { kind: 'invalid', meaning: 'Too many wrong codes; the code is void.' },
  TEMPLATE_INVALID: { kind: 'invalid', meaning: 'A template or block does not compile, or names an unknown block or text key; details name the field.' },
  MISSING_PARAMETERS: { kind: 'invalid', meaning: 'Required template parameters were not given; details.missing names them.' },
  RENDER_FAILED: { kind: 'invalid', meaning: 'The template could not be rendered (time, memory or output limit, or a render error).' },
  BLOCK_IN_USE: { kind: 'conflict', meaning: 'The block is referenced by templates; details.templates names them.' },
  TEMPLATE_NAME_TAKEN: { kind: 'conflict', meaning: 'Another template of the project already has this name.' },
  WEBHOOK_URL_NOT_ALLOWED: { kind: 'invalid', meaning: 'The webhook URL points at a network this server may not call (MAILROOM_WEBHOOKS_ALLOW_PRIVATE).' },
  SMTP_URL_NOT_ALLOWED: { kind: 'invalid', meaning: "The project's SMTP relay points at a network this server may not call (MAILROOM_WEBHOOKS_ALLOW_PRIVATE)." },
  INVALID_UNSUBSCRIBE_LINK: { kind: 'forbidden', meaning: 'The unsubscribe link is malformed or its signature does not match.' },
  RATE_LIMITED: { kind: 'rate_limited', meaning: 'Too many requests; retry after the given delay.' },
  DATABASE_UNAVAILABLE: {
    kind: 'unavailable',
    meaning: 'The database is unreachable or did not answer in time; nothing was committed. Retry after the Retry-After delay (with an Idempotency-Key where the endpoint takes one).',
  },
  INTERNAL_ERROR: { kind: 'internal', meaning: 'An unexpected error; it has been logged.' },
} as const satisfies Record<string, { kind: ErrorKind; meaning: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export class MailroomError extends Error {
  override name = 'MailroomError';
  readonly kind: ErrorKind;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.kind = errorCatalog[code].kind;
  }
}

export const isMailroomError = (value: unknown): value is MailroomError => value instanceof MailroomError;

export function notFound(what: string, id: string): MailroomError {
  return new MailroomError('NOT_FOUND', `${what} ${id} was not found`, { id, resource: what });
}

export function invalidField(field: string, message: string): MailroomError {
  return new MailroomError('SCHEMA_ERROR', `${field}: ${message}`, { field });
}
