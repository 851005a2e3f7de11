import type { MailroomError } from '../../core/errors.js';
import { httpStatusOf } from './http-status.js';
import { toStackError } from './stack-errors.js';
import { toResendError } from './resend-errors.js';

/** Each API family renders errors its own way; everything else about an error is shared. */
export interface ErrorEnvelope {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface Family {
  readonly name: 'stack' | 'email' | 'mail' | 'email-templates' | 'resend' | 'logto' | 'system';
  render(error: MailroomError): ErrorEnvelope;
}

const withDetails = (details: Record<string, unknown> | undefined) => (details ? { details } : {});

/**
 * Outbox family (seeds 000, 001): `{code, error, details?}` in Stack Auth's codes, plus
 * `x-stack-known-error` / `x-hexclave-known-error` when the code is one Stack's SDKs know.
 */
export const stackFamily: Family = {
  name: 'stack',
  render: (e): ErrorEnvelope => {
    const stack = toStackError(e);
    return {
      status: httpStatusOf[e.kind],
      body: { code: stack.code, error: e.message, ...withDetails(stack.details) },
      headers: stack.known ? { 'x-stack-known-error': stack.code, 'x-hexclave-known-error': stack.code } : ({} as Record<string, string>),
    };
  },
};

/** Email module (seed 002): `{code, message, details?}`. */
export const emailFamily: Family = {
  name: 'email',
  render: (e) => ({ status: httpStatusOf[e.kind], body: { code: e.code, message: e.message, ...withDetails(e.details) } }),
};

/** Mail family (seed 003): `{code, message}`. */
export const mailFamily: Family = {
  name: 'mail',
  render: (e) => ({ status: httpStatusOf[e.kind], body: { code: e.code, message: e.message } }),
};

/** Email templates family (seed 004): `{code, message, data?}`. */
export const emailTemplatesFamily: Family = {
  name: 'email-templates',
  render: (e) => ({ status: httpStatusOf[e.kind], body: { code: e.code, message: e.message, ...(e.details ? { data: e.details } : {}) } }),
};

export const systemFamily: Family = { ...emailFamily, name: 'system' };

/** Resend-compatible family: `{statusCode, name, message}` with Resend's names and statuses. */
export const resendFamily: Family = {
  name: 'resend',
  render: (e) => {
    const { statusCode, name } = toResendError(e);
    return { status: statusCode, body: { statusCode, name, message: e.message } };
  },
};

/** Logto's HTTP email connector shows `message` (and logs the rest): `{code, message, details?}`. */
export const logtoFamily: Family = { ...emailFamily, name: 'logto' };

/** For requests that matched no route: the family is told by the path. */
export function familyForPath(url: string): Family {
  if (url.startsWith('/api/v1/email/') || url === '/api/v1/email') return emailFamily;
  if (url.startsWith('/api/email-templates')) return emailTemplatesFamily;
  if (url.startsWith('/mail/') || url === '/mail') return mailFamily;
  if (/^\/emails(?:[/?]|$)/.test(url)) return resendFamily;
  if (url.startsWith('/logto/')) return logtoFamily;
  if (url.startsWith('/api/')) return stackFamily;
  return systemFamily;
}

/** Error response schema per family, for the OpenAPI document. */
export const errorSchemas = {
  stack: {
    type: 'object',
    properties: { code: { type: 'string' }, error: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
    required: ['code', 'error'],
  },
  email: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
    required: ['code', 'message'],
  },
  mail: {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' } },
    required: ['code', 'message'],
  },
  resend: {
    type: 'object',
    properties: { statusCode: { type: 'integer' }, name: { type: 'string' }, message: { type: 'string' } },
    required: ['statusCode', 'name', 'message'],
  },
  'email-templates': {
    type: 'object',
    properties: { code: { type: 'string' }, message: { type: 'string' }, data: { type: 'object', additionalProperties: true } },
    required: ['code', 'message'],
  },
  // The Logto connector family answers in the email module's shape (logtoFamily spreads emailFamily).
  get logto() {
    return errorSchemas.email;
  },
} as const;
