import type { MailroomError } from '../../core/errors.js';
import { httpStatusOf } from './http-status.js';

/** Resend's error names (its SDK and users branch on `name`) and the statuses Resend gives them. */
export function toResendError(e: MailroomError): { statusCode: number; name: string } {
  const field = typeof e.details?.field === 'string' ? e.details.field : '';
  switch (e.code) {
    case 'SCHEMA_ERROR': {
      if (/idempotency-key/i.test(field)) return { statusCode: 400, name: 'invalid_idempotency_key' };
      if (/attachments/.test(field)) return { statusCode: 422, name: 'invalid_attachment' };
      if (/^body\.from$|\.from$/.test(field)) return { statusCode: 422, name: 'invalid_from_address' };
      const issues = Array.isArray(e.details?.issues) ? (e.details.issues as Array<{ message?: string }>) : [];
      if (issues.some((i) => /required property/.test(i.message ?? ''))) return { statusCode: 422, name: 'missing_required_field' };
      return { statusCode: 422, name: 'validation_error' };
    }
    case 'INVALID_JSON':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return { statusCode: 400, name: 'validation_error' };
    case 'UNAUTHENTICATED':
      return { statusCode: 401, name: 'missing_api_key' };
    case 'INVALID_API_KEY':
    case 'PROJECT_KEY_MISMATCH':
      return { statusCode: 403, name: 'invalid_api_key' };
    case 'INSUFFICIENT_PERMISSION':
      return { statusCode: 401, name: 'restricted_api_key' };
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
      return { statusCode: 404, name: 'not_found' };
    case 'METHOD_NOT_ALLOWED':
      return { statusCode: 405, name: 'method_not_allowed' };
    case 'IDEMPOTENCY_CONFLICT':
      return { statusCode: 409, name: e.details?.reason === 'in_progress' ? 'concurrent_idempotent_requests' : 'invalid_idempotent_request' };
    case 'RATE_LIMITED':
      return { statusCode: 429, name: 'rate_limit_exceeded' };
    case 'INTERNAL_ERROR':
      return { statusCode: 500, name: 'internal_server_error' };
  }
  const status = httpStatusOf[e.kind];
  return { statusCode: status === 400 ? 422 : status, name: status >= 500 ? 'application_error' : 'validation_error' };
}
