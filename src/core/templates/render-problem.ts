import { MailroomError } from '../errors.js';
import { MissingParametersError, TemplateNotFoundError } from './render-errors.js';
import { RenderError } from './renderer.js';

/** A render failure as the API reports it (400 naming the problem, or 404 for an unknown template). */
export function renderProblem(error: unknown): unknown {
  if (error instanceof MissingParametersError) {
    return new MailroomError('MISSING_PARAMETERS', error.message, { missing: error.missing });
  }
  if (error instanceof TemplateNotFoundError) return new MailroomError('NOT_FOUND', error.message, { id: error.templateId });
  if (error instanceof RenderError) return new MailroomError('RENDER_FAILED', error.message, { reason: error.message });
  return error;
}
