/**
 * THE renderer: every send path, the render endpoint and the preview go
 * through it. Stored templates (by uuid or by name) are compiled once per
 * version and locale chain; raw html/subject sends pass through untouched unless
 * variables are given, in which case they are rendered as Liquid too.
 */
import { liquidReason, type LiquidEngine, type OutputKind } from './liquid-engine.js';
import { createSourceCache } from './source-cache.js';
import { MissingParametersError } from './render-errors.js';
import { RenderError, type EmailRenderer, type RenderedEmail } from './renderer.js';
import type { TemplateCache } from './template-cache.js';
import { inlineCss, oneLine, textPartOf } from './text-part.js';
import { MailroomError } from '../errors.js';

export interface TemplateRender {
  subject: string;
  html: string;
}

export interface RenderTemplateInput {
  locale: string | null;
  variables: Record<string, unknown>;
}

export function createTemplateRenderer(deps: { engine: LiquidEngine; cache: TemplateCache }) {
  const { engine, cache } = deps;
  const parsed = createSourceCache(engine);

  function run<T>(part: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof RenderError) throw error;
      throw new RenderError(`${part}: ${liquidReason(error)}`);
    }
  }

  /** Renders source that is not a stored template (raw sends, typed templates, previews). */
  function renderSource(part: string, source: string, kind: OutputKind, variables: object): string {
    return run(part, () => engine.render(parsed(source, kind), kind, variables));
  }

  /** A stored template's subject and HTML body (what `GET /email/render/:uuid` answers). */
  async function renderTemplate(projectId: string, idOrName: string, input: RenderTemplateInput): Promise<TemplateRender> {
    const entry = await cache.load(projectId, idOrName);
    const missing = entry.template.parameters.filter((name) => input.variables[name] === undefined || input.variables[name] === null);
    if (missing.length > 0) throw new MissingParametersError(missing);
    const compiled = cache.compiledFor(entry, input.locale, await cache.defaultLocale(projectId));
    const subject = run('subject', () => engine.render(compiled.subject, 'text', input.variables));
    let html = run('body', () => engine.render(compiled.body, 'html', input.variables));
    if (entry.template.inlineCss) html = run('body', () => inlineCss(html));
    return { subject: oneLine(subject), html };
  }

  const hasVariables = (variables: Record<string, unknown>) => Object.keys(variables).length > 0;

  const renderer: EmailRenderer = {
    async assertTemplateExists(projectId, templateId) {
      try {
        await cache.load(projectId, templateId);
      } catch (error) {
        if (error instanceof RenderError) throw new MailroomError('NOT_FOUND', `template ${templateId} was not found`, { field: 'template_id', id: templateId });
        throw error;
      }
    },

    async render(request): Promise<RenderedEmail> {
      if (request.templateId) {
        const rendered = await renderTemplate(request.projectId, request.templateId, { locale: request.locale, variables: request.variables });
        // A subject given with the send overrides the template's, rendered with the same variables.
        const subject = request.subject ? oneLine(renderSource('subject', request.subject, 'text', request.variables)) : rendered.subject;
        if (!subject) throw new RenderError('the rendered subject is empty');
        return { subject, html: rendered.html, text: request.text ?? run('text', () => textPartOf(rendered.html)) };
      }
      if (request.subject === null || request.subject === '') throw new RenderError('the message has no subject');
      if (request.html === null && request.text === null) throw new RenderError('the message has neither html nor text');
      let { subject, html, text } = request;
      if (hasVariables(request.variables)) {
        subject = renderSource('subject', subject, 'text', request.variables);
        if (html !== null) html = renderSource('html', html, 'html', request.variables);
        if (text !== null) text = renderSource('text', text, 'text', request.variables);
      }
      // One of html and text is present (checked above).
      return { subject: oneLine(subject), html, text: text ?? run('text', () => textPartOf(html!)) };
    },
  };

  return { renderer, renderTemplate, renderSource };
}

export type TemplateRenderer = ReturnType<typeof createTemplateRenderer>;
