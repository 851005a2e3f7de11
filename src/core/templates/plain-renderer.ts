import { MailroomError } from '../errors.js';
import { RenderError, type EmailRenderer } from './renderer.js';

/**
 * The renderer for content given as html/text, used until a template engine is
 * plugged in: it passes content through and knows no templates.
 */
export function createPlainRenderer(): EmailRenderer {
  return {
    async assertTemplateExists(_projectId, templateId) {
      throw new MailroomError('NOT_FOUND', `template ${templateId} was not found`, { field: 'template_id', id: templateId });
    },
    async render(request) {
      if (request.templateId) throw new RenderError(`template ${request.templateId} was not found`);
      if (request.subject === null || request.subject === '') throw new RenderError('the message has no subject');
      if (request.html === null && request.text === null) throw new RenderError('the message has neither html nor text');
      return { subject: request.subject, html: request.html, text: request.text };
    },
  };
}
