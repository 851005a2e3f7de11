/**
 * The render port: one renderer for every send path. The outbox stores content
 * as given; the delivery worker asks the renderer for the final subject, html
 * and text of each recipient's message.
 */
export interface RenderRequest {
  projectId: string;
  subject: string | null;
  html: string | null;
  text: string | null;
  /** A template id or name; when set, subject/html may be absent. */
  templateId: string | null;
  /**
   * With a template: its parameters. Without one: when non-empty, subject, html
   * and text are rendered as Liquid with them (html escaped); when empty, they
   * pass through untouched, so raw html containing `{{` is sent as written.
   */
  variables: Record<string, unknown>;
  /** The recipient's locale (user locale, else project default); null when unknown. */
  locale: string | null;
  recipient: { email: string; userId: string | null; displayName: string | null };
}

export interface RenderedEmail {
  subject: string;
  html: string | null;
  /** Always present: the given text, or one made from the html (text-part.ts). */
  text: string;
}

/** A render failure: the message goes to `render-error` with this readable reason. */
export class RenderError extends Error {
  override name = 'RenderError';
}

export interface EmailRenderer {
  /** Throws MailroomError NOT_FOUND when the project has no such template (checked when a send is accepted). */
  assertTemplateExists(projectId: string, templateId: string): Promise<void>;
  render(request: RenderRequest): Promise<RenderedEmail>;
}
