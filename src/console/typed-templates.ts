import type { FastifyInstance } from 'fastify';
import { can, pageContext, redirectWith, requirePermission } from './context.js';
import type { ConsoleDeps } from './deps.js';
import { html, type Html } from '../api/shared/html.js';
import { csrfField, flash, page, type PageContext } from './layout.js';
import { fieldError, parseJsonField, previewPane, problemOf, type FieldProblem } from './template-forms.js';

const back = html`<a href="/templates">← Templates</a>`;

function blockEditor(ctx: PageContext, action: string, form: { name: string; content: string }, problem: FieldProblem | undefined, mayWrite: boolean): Html {
  return html`<form method="post" action="${action}" class="panel stack" aria-label="Block">${csrfField(ctx.csrfToken)}
${problem && !['name', 'content'].includes(problem.field) ? flash(problem.message, 'error') : ''}
<label>Name<input name="name" value="${form.name}" required ${mayWrite ? '' : html`readonly`}></label>${fieldError(problem, 'name', form.name)}
<label><span>Content (HTML; <code>{{ text:key }}</code> and parameters, no other blocks)</span><textarea name="content" rows="10" ${problem?.field === 'content' ? html`aria-invalid="true" aria-describedby="content-error"` : ''} ${mayWrite ? '' : html`readonly`}>${form.content}</textarea></label>${fieldError(problem, 'content', form.content)}
${mayWrite ? html`<div><button type="submit">Save</button></div>` : ''}</form>`;
}

/** Blocks (seed 002) and typed templates (seed 004), beside the templates page. */
export function typedTemplateRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/templates/blocks/new', { schema: { hide: true } }, async (request, reply) => {
    requirePermission(request, 'email.blocks:create');
    const ctx = await pageContext(deps, request, reply, '/templates');
    const form = { name: 'Footer', content: '<p style="color:#666">{{ text:footer }}</p>' };
    return reply.type('text/html; charset=utf-8').send(page(ctx, 'New block', blockEditor(ctx, '/templates/blocks', form, undefined, true), { subtitle: back }).value);
  });

  app.post<{ Body: { name?: string; content?: string } }>('/templates/blocks', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.blocks:create');
    const form = { name: request.body?.name ?? '', content: request.body?.content ?? '' };
    try {
      const block = await deps.blocks.create(projectId, form);
      return redirectWith(reply, `/templates/blocks/${block.uuid}`, 'Block created.');
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      const ctx = await pageContext(deps, request, reply, '/templates');
      return reply.code(400).type('text/html; charset=utf-8').send(page(ctx, 'New block', blockEditor(ctx, '/templates/blocks', form, problem, true), { subtitle: back }).value);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/templates/blocks/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.blocks:read');
    const block = await deps.blocks.get(projectId, request.params.id);
    const ctx = await pageContext(deps, request, reply, '/templates');
    const body = html`${flash(request.query.done)}${blockEditor(ctx, `/templates/blocks/${block.uuid}`, block, undefined, can(request, 'email.blocks:update'))}
<p class="small muted">Use it in a template as <code>{{ block:${block.uuid} }}</code>.</p>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, block.name, body, { subtitle: back }).value);
  });

  app.post<{ Params: { id: string }; Body: { name?: string; content?: string } }>('/templates/blocks/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.blocks:update');
    const form = { name: request.body?.name ?? '', content: request.body?.content ?? '' };
    try {
      await deps.blocks.update(projectId, request.params.id, form);
      return redirectWith(reply, `/templates/blocks/${request.params.id}`, 'Saved.');
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      const ctx = await pageContext(deps, request, reply, '/templates');
      return reply.code(400).type('text/html; charset=utf-8').send(page(ctx, form.name || 'Block', blockEditor(ctx, `/templates/blocks/${request.params.id}`, form, problem, true), { subtitle: back }).value);
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/templates/typed/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:read');
    const t = await deps.typedTemplates.get(projectId, request.params.id);
    const ctx = await pageContext(deps, request, reply, '/templates');
    const mayWrite = can(request, 'email.templates:update');
    const sample = JSON.stringify({ code: '123456', email: 'ann@example.com', expiresInMinutes: 10 }, null, 2);
    const body = html`${flash(request.query.done)}<div class="editor">
<form method="post" action="/templates/typed/${t.id}" class="panel stack" aria-label="Typed template">${csrfField(ctx.csrfToken)}
  <p class="small muted">${t.templateType} · ${t.languageTag} · ${t.details.contentType ?? 'text/html'}</p>
  <label>Subject<input name="subject" value="${t.details.subject}" ${mayWrite ? '' : html`readonly`}></label>
  <label>Content<textarea name="content" rows="14" ${mayWrite ? '' : html`readonly`}>${t.details.content}</textarea></label>
  ${mayWrite ? html`<div><button type="submit">Save</button></div>` : ''}
</form>
<div class="stack"><section class="panel stack" aria-labelledby="preview-h"><h2 id="preview-h" style="margin:0">Preview</h2>
<form class="stack" hx-post="/templates/typed/${t.id}/preview" hx-target="#preview" hx-swap="outerHTML" hx-trigger="load, input delay:400ms" aria-label="Preview settings">${csrfField(ctx.csrfToken)}
<label>Parameters (JSON)<textarea name="variables" rows="5">${sample}</textarea></label></form>
<div id="preview"><p class="muted">Rendering…</p></div></section>
${can(request, 'emails:send') ? html`<section class="panel stack" aria-labelledby="test-h"><h2 id="test-h" style="margin:0">Send a test</h2>
<form method="post" action="/templates/typed/${t.id}/test" class="stack" aria-label="Send a test">${csrfField(ctx.csrfToken)}
<label>To<input type="email" name="to" required placeholder="you@example.com"></label>
<label>Parameters (JSON)<textarea name="variables" rows="5">${sample}</textarea></label>
<div><button type="submit">Send test email</button></div></form></section>` : ''}</div></div>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, `${t.templateType} (${t.languageTag})`, body, { subtitle: back }).value);
  });

  app.post<{ Params: { id: string }; Body: { subject?: string; content?: string } }>('/templates/typed/:id', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:update');
    await deps.typedTemplates.updateDetails(projectId, request.params.id, { subject: request.body?.subject ?? '', content: request.body?.content ?? '' });
    return redirectWith(reply, `/templates/typed/${request.params.id}`, 'Saved.');
  });

  // Sent the way Logto's connector and verification mail are: chosen by type and language, rendered now.
  app.post<{ Params: { id: string }; Body: { to?: string; variables?: string } }>('/templates/typed/:id/test', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'emails:send');
    const t = await deps.typedTemplates.get(projectId, request.params.id);
    const variables = parseJsonField<Record<string, unknown>>('variables', request.body?.variables, {});
    const to = (request.body?.to ?? '').trim();
    const id = await deps.typedSend.send(projectId, { source: 'console', to, templateType: t.templateType, locale: t.languageTag, variables, priority: 10 });
    return redirectWith(reply, `/outbox/${id}`, `Test email sent to ${to}.`);
  });

  app.post<{ Params: { id: string }; Body: { variables?: string } }>('/templates/typed/:id/preview', { schema: { hide: true } }, async (request, reply) => {
    const { projectId } = requirePermission(request, 'email.templates:read');
    reply.type('text/html; charset=utf-8');
    try {
      const t = await deps.typedTemplates.get(projectId, request.params.id);
      const variables = parseJsonField<Record<string, unknown>>('variables', request.body?.variables, {});
      const rendered = await deps.typedTemplates.render(projectId, t.templateType, t.languageTag, variables);
      return reply.send(previewPane({ subject: rendered.subject, html: rendered.html, text: rendered.text }).value);
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      return reply.send(previewPane({ error: problem.message }).value);
    }
  });
}
