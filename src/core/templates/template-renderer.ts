/**
 * THE renderer: every send path, the render endpoint and the preview go
 * through it. Stored templates (by uuid or by name) are compiled once per
 * version and locale chain; raw html/subject sends pass through untouched unless
 * variables are given, in which case they are rendered as Liquid too. Typed
 * templates (verification mail) render their sources through the same parts.
 */
import type { LiquidEngine } from './liquid-engine.js';
import { renderPartsNow } from './render-parts.js';
import { createSourceCache } from './source-cache.js';
import { MissingParametersError } from './render-errors.js';
import { RenderError, type EmailRenderer, type RenderedEmail } from './renderer.js';
import type { TemplateCache } from './template-cache.js';
import { oneLine, textPartOf } from './text-part.js';

/** Raw HTML up to this size gets its text part on the event loop (html-to-text: about 2 µs a character). */
const smallHtmlChars = 4096;
import { MailroomError } from '../errors.js';
import type { RenderOffLoop, RenderPart } from './render-port.js';

export interface TemplateRender {
  subject: string;
  html: string;
  /** The plain-text alternative, when asked for (`withText`). */
  text?: string;
}

export interface RenderTemplateInput {
  locale: string | null;
  variables: Record<string, unknown>;
  /** Also make the text alternative of the rendered HTML (in the same pool task). */
  withText?: boolean;
}

export function createTemplateRenderer(deps: { engine: LiquidEngine; cache: TemplateCache; offLoop?: RenderOffLoop }) {
  const { engine, cache, offLoop } = deps;
  const parsed = createSourceCache(engine);

  /** Renders parts on the pool's threads when there is one, else here; failures are RenderErrors naming the part. */
  async function renderParts(projectId: string, parts: RenderPart[], variables: object): Promise<string[]> {
    try {
      return offLoop ? await offLoop(projectId, parts, variables) : renderPartsNow(engine, parsed, parts, variables);
    } catch (error) {
      throw new RenderError(error instanceof Error ? error.message : String(error));
    }
  }

  /** A stored template's subject and HTML body (what `GET /email/render/:uuid` answers). */
  async function renderTemplate(projectId: string, idOrName: string, input: RenderTemplateInput): Promise<TemplateRender> {
    const entry = await cache.load(projectId, idOrName);
    const missing = entry.template.parameters.filter((name) => input.variables[name] === undefined || input.variables[name] === null);
    if (missing.length > 0) throw new MissingParametersError(missing);
    const projectDefault = await cache.defaultLocale(projectId);
    const source = cache.sourcesFor(entry, input.locale, projectDefault);
    const parts: RenderPart[] = [
      { name: 'subject', source: source.subject, kind: 'text' },
      { name: 'body', source: source.body, kind: 'html', inlineCss: entry.template.inlineCss },
    ];
    if (input.withText) parts.push({ name: 'text', textOf: 1 });
    const [subject, html, text] = await renderParts(projectId, parts, input.variables);
    return { subject: oneLine(subject!), html: html!, ...(text !== undefined ? { text } : {}) };
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
        const rendered = await renderTemplate(request.projectId, request.templateId, {
          locale: request.locale,
          variables: request.variables,
          withText: request.text === null,
        });
        // A subject given with the send overrides the template's, rendered with the same variables.
        const subject = request.subject
          ? oneLine((await renderParts(request.projectId, [{ name: 'subject', source: request.subject, kind: 'text' }], request.variables))[0]!)
          : rendered.subject;
        if (!subject) throw new RenderError('the rendered subject is empty');
        return { subject, html: rendered.html, text: request.text ?? rendered.text! };
      }
      if (request.subject === null || request.subject === '') throw new RenderError('the message has no subject');
      if (request.html === null && request.text === null) throw new RenderError('the message has neither html nor text');
      const { html, text } = request;
      // Liquid only when variables are given; the text alternative of HTML is made on the pool either way.
      const parts: RenderPart[] = [];
      const liquid = hasVariables(request.variables);
      const place = (part: RenderPart) => parts.push(part) - 1;
      const at = {
        subject: liquid ? place({ name: 'subject', source: request.subject, kind: 'text' }) : -1,
        html: liquid && html !== null ? place({ name: 'html', source: html, kind: 'html' }) : -1,
        text: liquid && text !== null ? place({ name: 'text', source: text, kind: 'text' }) : -1,
      };
      // Small raw HTML (a few ms of html-to-text) gets its text part here, without a trip to the pool.
      const textHere = text === null && !liquid && html!.length <= smallHtmlChars;
      if (text === null && !textHere) place({ name: 'text', textOf: at.html >= 0 ? at.html : { html: html! } });
      const out = parts.length > 0 ? await renderParts(request.projectId, parts, request.variables) : [];
      const renderedHtml = at.html >= 0 ? out[at.html]! : html;
      const renderedText = textHere ? textPartOf(html!) : text === null ? out[out.length - 1]! : at.text >= 0 ? out[at.text]! : text;
      return { subject: oneLine(at.subject >= 0 ? out[at.subject]! : request.subject), html: renderedHtml, text: renderedText };
    },
  };

  /** Renders sources that are not stored templates (typed templates): on the pool, with the same limits and per-project share. */
  const renderSources = renderParts;

  return { renderer, renderTemplate, renderSources };
}

export type TemplateRenderer = ReturnType<typeof createTemplateRenderer>;
