import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmailTemplate, Translations } from '../core/templates/types.js';
import { can, pageContext, principalOf, redirectWith, requirePermission } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { timeTag } from './format.js';
import { html, type Html } from '../api/shared/html.js';
import { csrfField, flash, page, type PageContext } from './layout.js';
import { fieldError, parseJsonField, previewPane, problemOf, type FieldProblem } from './template-forms.js';
import { typedTemplateRoutes } from './typed-templates.js';

interface TemplateForm {
  name?: string;
  subject?: string;
  body?: string;
  translations?: string;
  parameters?: string;
  inlineCss?: string;
}

interface TestForm {
  locale?: string;
  variables?: string;
  to?: string;
}

const starter = {
  name: 'Welcome',
  subject: '{{ text:subject }}',
  body: '<h1>{{ text:greeting }} {{ name }}!</h1>\n<p>{{ text:intro }}</p>',
  translations: JSON.stringify(
    { en: { subject: 'Welcome aboard', greeting: 'Hello', intro: 'Thanks for signing up.' }, fr: { subject: 'Bienvenue', greeting: 'Bonjour', intro: 'Merci de votre inscription.' } },
    null,
    2,
  ),
  parameters: 'name',
};

function toInput(form: TemplateForm) {
  return {
    name: (form.name ?? '').trim(),
    subject: form.subject ?? '',
    body: form.body ?? '',
    translations: parseJsonField<Translations>('translations', form.translations, {}),
    parameters: (form.parameters ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    inlineCss: form.inlineCss === 'on',
  };
}

function editor(ctx: PageContext, action: string, form: Required<Omit<TemplateForm, 'inlineCss'>> & { inlineCss: boolean }, problem: FieldProblem | undefined, mayWrite: boolean): Html {
  const described = (field: string) => (problem && (problem.field === field || problem.field.startsWith(`${field}.`)) ? html`aria-invalid="true" aria-describedby="${field}-error"` : '');
  return html`<form method="post" action="${action}" class="panel stack" aria-label="Template">
${csrfField(ctx.csrfToken)}
${problem && !['name', 'subject', 'body', 'translations', 'parameters'].some((f) => problem.field === f || problem.field.startsWith(`${f}.`)) ? flash(problem.message, 'error') : ''}
<label>Name<input name="name" value="${form.name}" required ${described('name')} ${mayWrite ? '' : html`readonly`}></label>${fieldError(problem, 'name', form.name)}
<label>Subject<input name="subject" value="${form.subject}" ${described('subject')} ${mayWrite ? '' : html`readonly`}></label>${fieldError(problem, 'subject', form.subject)}
<label><span>Body (HTML with Liquid, <code>{{ text:key }}</code> and <code>{{ block:uuid }}</code>)</span><textarea name="body" rows="12" ${described('body')} ${mayWrite ? '' : html`readonly`}>${form.body}</textarea></label>${fieldError(problem, 'body', form.body)}
<label>Translations (JSON: language → key → text)<textarea name="translations" rows="8" ${described('translations')} ${mayWrite ? '' : html`readonly`}>${form.translations}</textarea></label>${fieldError(problem, 'translations', form.translations)}
<label>Parameters (comma separated)<input name="parameters" value="${form.parameters}" ${mayWrite ? '' : html`readonly`}></label>${fieldError(problem, 'parameters', form.parameters)}
<label style="flex-direction:row;gap:8px;align-items:center"><input type="checkbox" name="inlineCss" ${form.inlineCss ? html`checked` : ''} ${mayWrite ? '' : html`disabled`}> Inline CSS</label>
${mayWrite ? html`<div><button type="submit">Save</button></div>` : html`<p class="small muted">This key may only read templates.</p>`}
</form>`;
}

function previewAndTest(ctx: PageContext, t: EmailTemplate, request: FastifyRequest): Html {
  const locales = Object.keys(t.translations);
  const sample = JSON.stringify(Object.fromEntries(t.parameters.map((p) => [p, p === 'name' ? 'Ann' : `sample ${p}`])), null, 2);
  return html`<section class="panel stack" aria-labelledby="preview-h">
<h2 id="preview-h" style="margin:0">Preview</h2>
<form class="stack" hx-post="/templates/${t.uuid}/preview" hx-target="#preview" hx-swap="outerHTML" hx-trigger="load, change, input delay:400ms" aria-label="Preview settings">
  ${csrfField(ctx.csrfToken)}
  <label>Locale<select name="locale"><option value="">default</option>${locales.map((l) => html`<option value="${l}">${l}</option>`)}</select></label>
  <label>Parameters (JSON)<textarea name="variables" rows="4">${sample}</textarea></label>
  <noscript><button type="submit">Preview</button></noscript>
</form>
<div id="preview"><p class="muted">Rendering…</p></div>
</section>
${can(request, 'emails:send') ? html`<section class="panel stack" aria-labelledby="test-h">
<h2 id="test-h" style="margin:0">Send a test</h2>
<form method="post" action="/templates/${t.uuid}/test" class="stack" aria-label="Send a test">
  ${csrfField(ctx.csrfToken)}
  <label>To<input type="email" name="to" required placeholder="you@example.com"></label>
  <label>Locale<select name="locale"><option value="">default</option>${locales.map((l) => html`<option value="${l}">${l}</option>`)}</select></label>
  <label>Parameters (JSON)<textarea name="variables" rows="4">${sample}</textarea></label>
  <div><button type="submit">Send test email</button></div>
</form></section>` : ''}`;
}

async function listPage(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, done?: string): Promise<Html> {
  const { projectId } = principalOf(request);
  const ctx = await pageContext(deps, request, reply, '/templates');
  const [templates, blocks, typed] = await Promise.all([
    deps.templates.list(projectId),
    can(request, 'email.blocks:read') ? deps.blocks.list(projectId) : Promise.resolve([]),
    deps.typedTemplates.list(projectId, {}),
  ]);
  const empty = (cols: number, text: string) => html`<tr><td colspan="${cols}" class="empty">${text}</td></tr>`;
  const content = html`${flash(done)}
<section aria-labelledby="t-h"><div class="actions" style="justify-content:space-between"><h2 id="t-h">Templates</h2>${can(request, 'email.templates:create') ? html`<a class="button" href="/templates/new">New template</a>` : ''}</div>
<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Subject</th><th scope="col">Languages</th><th scope="col">Parameters</th><th scope="col">Updated</th></tr></thead><tbody>
${templates.length ? templates.map((t) => html`<tr><td class="subject"><a href="/templates/${t.uuid}">${t.name}</a></td><td class="mono small">${t.subject}</td><td>${Object.keys(t.translations).join(', ') || '—'}</td><td class="small">${t.parameters.join(', ') || '—'}</td><td class="small nowrap">${timeTag(t.updatedAt)}</td></tr>`) : empty(5, 'No templates yet.')}
</tbody></table></div></section>
${can(request, 'email.blocks:read') ? html`<section aria-labelledby="b-h"><div class="actions" style="justify-content:space-between"><h2 id="b-h">Blocks</h2>${can(request, 'email.blocks:create') ? html`<a class="button secondary" href="/templates/blocks/new">New block</a>` : ''}</div>
<div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Use it as</th><th scope="col">Updated</th></tr></thead><tbody>
${blocks.length ? blocks.map((b) => html`<tr><td class="subject"><a href="/templates/blocks/${b.uuid}">${b.name}</a></td><td class="mono small">{{ block:${b.uuid} }}</td><td class="small nowrap">${timeTag(b.updatedAt)}</td></tr>`) : empty(3, 'No blocks yet.')}
</tbody></table></div></section>` : ''}
<section aria-labelledby="ty-h"><h2 id="ty-h">Typed templates (sign-in, register, …)</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">Type</th><th scope="col">Language</th><th scope="col">Subject</th><th scope="col">Updated</th></tr></thead><tbody>
${typed.length ? typed.map((t) => html`<tr><td class="subject"><a href="/templates/typed/${t.id}">${t.templateType}</a></td><td>${t.languageTag}</td><td class="small">${t.details.subject}</td><td class="small nowrap">${timeTag(t.updatedAt)}</td></tr>`) : empty(4, 'No typed templates yet (PUT /api/email-templates creates them).')}
</tbody></table></div></section>`;
  return page(ctx, 'Templates', content, { live: true });
}

function formOf(t: EmailTemplate) {
  return { name: t.name, subject: t.subject, body: t.body, translations: JSON.stringify(t.translations, null, 2), parameters: t.parameters.join(', '), inlineCss: t.inlineCss };
}

export function templateRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Querystring: { done?: string } }>('/templates', { schema: { hide: true } }, async (request, reply) => {
    requirePermission(request, 'email.templates:read');
    return reply.type('text/html; charset=utf-8').send((await listPage(deps, request, reply, request.query.done)).value);
  });

  app.get('/templates/new', { schema: { hide: true } }, async (request, reply) => {
    requirePermission(request, 'email.templates:create');
    const ctx = await pageContext(deps, request, reply, '/templates');
    return reply.type('text/html; charset=utf-8').send(page(ctx, 'New template', editor(ctx, '/templates', { ...starter, inlineCss: false }, undefined, true), { subtitle: html`<a href="/templates">← Templates</a>` }).value);
  });

  app.post<{ Body: TemplateForm }>('/templates', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:create');
    const form = request.body ?? {};
    try {
      const created = await deps.templates.create(projectId, toInput(form));
      return redirectWith(reply, `/templates/${created.uuid}`, 'Template created.');
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      const ctx = await pageContext(deps, request, reply, '/templates');
      const values = { name: form.name ?? '', subject: form.subject ?? '', body: form.body ?? '', translations: form.translations ?? '', parameters: form.parameters ?? '', inlineCss: form.inlineCss === 'on' };
      return reply.code(400).type('text/html; charset=utf-8').send(page(ctx, 'New template', editor(ctx, '/templates', values, problem, true)).value);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/templates/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:read');
    const t = await deps.templates.get(projectId, request.params.id);
    const ctx = await pageContext(deps, request, reply, '/templates');
    const body = html`${flash(request.query.done)}<div class="editor"><div>${editor(ctx, `/templates/${t.uuid}`, formOf(t), undefined, can(request, 'email.templates:update'))}</div><div class="stack">${previewAndTest(ctx, t, request)}</div></div>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, t.name, body, { subtitle: html`<a href="/templates">← Templates</a>` }).value);
  });

  app.post<{ Params: { id: string }; Body: TemplateForm }>('/templates/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:update');
    const form = request.body ?? {};
    try {
      await deps.templates.update(projectId, request.params.id, toInput(form));
      return redirectWith(reply, `/templates/${request.params.id}`, 'Saved.');
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      const t = await deps.templates.get(projectId, request.params.id);
      const ctx = await pageContext(deps, request, reply, '/templates');
      const values = { name: form.name ?? '', subject: form.subject ?? '', body: form.body ?? '', translations: form.translations ?? '', parameters: form.parameters ?? '', inlineCss: form.inlineCss === 'on' };
      const body = html`<div class="editor"><div>${editor(ctx, `/templates/${t.uuid}`, values, problem, true)}</div><div class="stack">${previewAndTest(ctx, t, request)}</div></div>`;
      return reply.code(400).type('text/html; charset=utf-8').send(page(ctx, t.name, body, { subtitle: html`<a href="/templates">← Templates</a>` }).value);
    }
  });

  app.post<{ Params: { id: string }; Body: TestForm }>('/templates/:id/preview', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:read');
    reply.type('text/html; charset=utf-8');
    try {
      const variables = parseJsonField<Record<string, unknown>>('variables', request.body?.variables, {});
      const rendered = await deps.templates.render(projectId, request.params.id, { locale: request.body?.locale || null, variables });
      return reply.send(previewPane({ subject: rendered.subject, html: rendered.body }).value);
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      return reply.send(previewPane({ error: problem.message }).value);
    }
  });

  app.post<{ Params: { id: string }; Body: TestForm }>('/templates/:id/test', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:send');
    const template = await deps.templates.get(projectId, request.params.id);
    const variables = parseJsonField<Record<string, unknown>>('variables', request.body?.variables, {});
    const { ids } = await deps.accept.accept(projectId, {
      source: 'console',
      to: [{ email: request.body?.to ?? '' }],
      content: { kind: 'template', templateId: template.uuid, variables },
      locale: request.body?.locale || null,
      priority: 10,
    });
    const id = ids[0];
    return redirectWith(reply, `/outbox/${id}`, `Test email sent to ${request.body?.to}.`);
  });

  typedTemplateRoutes(app, deps);
}
