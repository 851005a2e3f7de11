import type { FastifyError } from 'fastify';
import { isMailroomError, MailroomError } from '../../core/errors.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `body.content.html`, from Ajv's instance path and the missing property, if any. */
function fieldOf(context: string | undefined, issue: ValidationIssue): string {
  const path = issue.instancePath.split('/').filter(Boolean);
  const missing = issue.params.missingProperty;
  if (typeof missing === 'string') path.push(missing);
  const additional = issue.params.additionalProperty;
  if (typeof additional === 'string') path.push(additional);
  return [context ?? 'body', ...path].join('.');
}

/**
 * Turns anything a handler, hook or Fastify itself threw into the domain error,
 * so each family only has to render one type. Unknown errors become INTERNAL_ERROR.
 */
export function toMailroomError(error: unknown): MailroomError {
  if (isMailroomError(error)) return error;
  const e = error as Partial<FastifyError> & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const issues = e.validation.map((issue) => ({
      field: fieldOf(e.validationContext, issue),
      message: issue.message ?? 'is invalid',
    }));
    const first = issues[0]!;
    return new MailroomError('SCHEMA_ERROR', `${first.field}: ${first.message}`, { field: first.field, issues });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MailroomError('BODY_TOO_LARGE', 'the request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MailroomError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MailroomError('INVALID_JSON', 'the body is empty but the content type says JSON');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new MailroomError('INVALID_JSON', `the body is not valid JSON: ${e.message}`);
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return new MailroomError('INVALID_JSON', `the body is not valid JSON: ${e.message}`);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new MailroomError('SCHEMA_ERROR', e.message ?? 'bad request');
  }
  return new MailroomError('INTERNAL_ERROR', 'an unexpected error occurred', { cause: undefined });
}
