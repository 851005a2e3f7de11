/** Preview: what a send would produce for sample variables, through the same renderer. */
import { MailroomError } from '../errors.js';
import { renderProblem } from './render-problem.js';
import type { EmailRenderer, RenderedEmail } from './renderer.js';

export interface PreviewInput {
  templateId?: string;
  subject?: string;
  html?: string;
  text?: string;
  locale?: string;
  variables?: Record<string, unknown>;
}

export function createPreview(renderer: EmailRenderer) {
  return async function preview(projectId: string, input: PreviewInput): Promise<RenderedEmail> {
    if (!input.templateId && input.html === undefined && input.text === undefined) {
      throw new MailroomError('SCHEMA_ERROR', 'body: give templateId, or html or text', { field: 'body.templateId' });
    }
    try {
      return await renderer.render({
        projectId,
        templateId: input.templateId ?? null,
        subject: input.subject ?? null,
        html: input.html ?? null,
        text: input.text ?? null,
        variables: input.variables ?? {},
        locale: input.locale ?? null,
        recipient: { email: 'preview@example.invalid', userId: null, displayName: null },
      });
    } catch (error) {
      throw renderProblem(error);
    }
  };
}
