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
import type { RenderOffLoop, RenderPart } from './render-port.js';

export interface TemplateRender {
  subject: string;
  html: string;
}

export interface RenderTemplateInput {
  locale: string | null;
  variables: Record<string, unknown>;
}

export function createTemplateRenderer(deps: { engine: LiquidEngine; cache: TemplateCache; offLoop?: RenderOffLoop }) {
  const { engine, cache, offLoop } = deps;

  /** Renders parts on the pool's threads when there is one, else here; failures are RenderErrors naming the part. */
  async function renderParts(projectId: string, parts: RenderPart[], variables: object): Promise<string[]> {
    if (!offLoop) {
      return parts.map((part) => run(part.name, () => {
        const output = engine.render(parsed(part.source, part.kind), part.kind, variables);
        return part.inlineCss ? inlineCss(output) : output;
      }));
    }
    try {
      return await offLoop(projectId, parts, variables);
    } catch (error) {
      throw new RenderError(error instanceof Error ? error.message : String(error));
    }
  }
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
    const projectDefault = await cache.defaultLocale(projectId);
    if (offLoop) {
      const source = cache.sourcesFor(entry, input.locale, projectDefault);
      const [subject, html] = await renderParts(
        projectId,
        [
          { name: 'subject', source: source.subject, kind: 'text' },
          { name: 'body', source: source.body, kind: 'html', inlineCss: entry.template.inlineCss },
        ],
        input.variables,
      );
      return { subject: oneLine(subject!), html: html! };
    }
    const compiled = cache.compiledFor(entry, input.locale, projectDefault);
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
        const subject = request.subject
          ? oneLine((await renderParts(request.projectId, [{ name: 'subject', source: request.subject, kind: 'text' }], request.variables))[0]!)
          : rendered.subject;
        if (!subject) throw new RenderError('the rendered subject is empty');
        return { subject, html: rendered.html, text: request.text ?? run('text', () => textPartOf(rendered.html)) };
      }
      if (request.subject === null || request.subject === '') throw new RenderError('the message has no subject');
      if (request.html === null && request.text === null) throw new RenderError('the message has neither html nor text');
      let { subject, html, text } = request;
      if (hasVariables(request.variables)) {
        const parts: RenderPart[] = [{ name: 'subject', source: subject, kind: 'text' }];
        if (html !== null) parts.push({ name: 'html', source: html, kind: 'html' });
        if (text !== null) parts.push({ name: 'text', source: text, kind: 'text' });
        const out = await renderParts(request.projectId, parts, request.variables);
        subject = out[0]!;
        if (html !== null) html = out[1]!;
        if (text !== null) text = out[html !== null ? 2 : 1]!;
      }
      // One of html and text is present (checked above).
      return { subject: oneLine(subject), html, text: text ?? run('text', () => textPartOf(html!)) };
    },
  };

  return { renderer, renderTemplate, renderSource };
}

export type TemplateRenderer = ReturnType<typeof createTemplateRenderer>;
