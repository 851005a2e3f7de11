import { isMailroomError } from '../errors.js';
import { RenderError } from '../templates/renderer.js';
import type { AcceptService } from '../outbox/accept.js';
import type { RenderedTypedTemplate } from '../templates/typed-templates.js';
import type { VerificationMailer } from './types.js';

/** Verification codes jump the queue: they are what a person is waiting for. */
export const verificationPriority = 10;

/** The built-in Register email, used when the project has no Register (or Generic) template of its own. */
export function defaultRegisterEmail(code: string, expiresInMinutes: number): { subject: string; html: string } {
  return {
    subject: `Your verification code: ${code}`,
    html:
      `<p>Use this code to verify your email address:</p>` +
      `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">${code}</p>` +
      `<p>It expires in ${expiresInMinutes} minutes. If you did not ask for it, ignore this email.</p>`,
  };
}

/** Renders the project's Register template (Generic as fallback) for a locale; NOT_FOUND when it has none. */
export type RenderRegisterTemplate = (projectId: string, locale: string | null, variables: Record<string, unknown>) => Promise<RenderedTypedTemplate>;

/**
 * Sends the code through the normal outbox as a high-priority transactional
 * message, using the project's Register template in the user's locale
 * (variables: `code`, `email`, `expiresInMinutes`), or the built-in one.
 */
export function createVerificationMailer(deps: {
  accept: AcceptService['accept'];
  renderRegister: RenderRegisterTemplate;
  /** Told when the project's template cannot be rendered; the built-in email goes out instead. */
  onTemplateError: (projectId: string, error: RenderError) => void;
}): VerificationMailer {
  return async ({ projectId, user, email, code, expiresInMinutes }) => {
    let content: { subject: string; html: string | null; text?: string | null; from?: string | null; replyTo?: string | null };
    try {
      const rendered = await deps.renderRegister(projectId, user.locale, { code, email, expiresInMinutes });
      content = { subject: rendered.subject, html: rendered.html, text: rendered.text, from: rendered.sendFrom, replyTo: rendered.replyTo };
    } catch (error) {
      // A person is waiting for this code: a missing or broken template must not keep it from them.
      if (error instanceof RenderError) deps.onTemplateError(projectId, error);
      else if (!isMailroomError(error) || error.code !== 'NOT_FOUND') throw error;
      content = defaultRegisterEmail(code, expiresInMinutes);
    }
    await deps.accept(projectId, {
      source: 'verification',
      to: [{ email }],
      subject: content.subject,
      content: { kind: 'body', html: content.html, text: content.text ?? null },
      from: content.from ?? null,
      replyTo: content.replyTo ?? null,
      locale: user.locale,
      priority: verificationPriority,
      transactional: true,
    });
  };
}
