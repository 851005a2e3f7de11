/** Template use-cases (seed 002): validated on save, events after commit, one renderer for the render endpoint. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MailroomError, notFound } from '../errors.js';
import type { EventBus } from '../events.js';
import type { LiquidEngine } from './liquid-engine.js';
import { renderProblem } from './render-problem.js';
import type { TemplateCache } from './template-cache.js';
import type { RenderTemplateInput, TemplateRender, TemplateRenderer } from './template-renderer.js';
import type { EmailTemplate, TemplateStore, TemplateWrite, Translations } from './types.js';
import { invalidTemplate, validateTemplate } from './validate.js';

export interface TemplateInput {
  name: string;
  subject: string;
  body: string;
  translations?: Translations;
  parameters?: string[];
  /** Blocks the caller says the template uses; each must exist. Those in subject/body are added. */
  blocks?: string[];
  inlineCss?: boolean;
}

export interface TemplateServiceDeps {
  store: TemplateStore;
  engine: LiquidEngine;
  clock: Clock;
  events: EventBus;
  cache: TemplateCache;
  renderer: TemplateRenderer;
}

export function createTemplateService(deps: TemplateServiceDeps) {
  const { store, engine, clock, events, cache } = deps;

  async function get(projectId: string, uuid: string): Promise<EmailTemplate> {
    const template = await store.getTemplate(projectId, uuid);
    if (!template) throw notFound('template', uuid);
    return template;
  }

  /** Validates against the project's blocks; returns the block references to store. */
  async function checked(projectId: string, t: Omit<EmailTemplate, 'blocks'> & { blocks: string[] }): Promise<string[]> {
    const all = new Map((await store.listBlocks(projectId)).map((b) => [b.uuid, b.content]));
    const unknown = t.blocks.find((uuid) => !all.has(uuid));
    if (unknown !== undefined) throw invalidTemplate('blocks', `unknown block ${unknown}`);
    const used = validateTemplate(engine, t, all);
    return [...new Set([...t.blocks, ...used])].sort();
  }

  function refused(result: TemplateWrite, template: EmailTemplate): void {
    if (result === 'name-taken') throw new MailroomError('TEMPLATE_NAME_TAKEN', `a template named "${template.name}" already exists`, { field: 'name' });
    if (result === 'block-missing') throw invalidTemplate('blocks', 'a block the template uses was deleted meanwhile');
  }

  return {
    list: (projectId: string) => store.listTemplates(projectId),
    get,

    async create(projectId: string, input: TemplateInput): Promise<EmailTemplate> {
      const now = clock.now();
      const draft = {
        uuid: randomUUID(),
        projectId,
        name: input.name,
        subject: input.subject,
        body: input.body,
        translations: input.translations ?? {},
        parameters: [...new Set(input.parameters ?? [])],
        inlineCss: input.inlineCss ?? false,
        blocks: input.blocks ?? [],
        createdAt: now,
        updatedAt: now,
      };
      const template: EmailTemplate = { ...draft, blocks: await checked(projectId, draft) };
      refused(await store.insertTemplate(template), template);
      cache.invalidate(projectId);
      events.emit('template:add', template);
      return template;
    },

    async update(projectId: string, uuid: string, patch: Partial<TemplateInput>): Promise<EmailTemplate> {
      const current = await get(projectId, uuid);
      const draft = {
        ...current,
        ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
        // Derived again from the new content: a block no longer placed is no longer referenced.
        blocks: patch.blocks ?? [],
        updatedAt: Math.max(clock.now(), current.updatedAt + 1),
      } as EmailTemplate;
      if (patch.parameters) draft.parameters = [...new Set(patch.parameters)];
      const template: EmailTemplate = { ...draft, blocks: await checked(projectId, draft) };
      refused(await store.updateTemplate(template), template);
      cache.invalidate(projectId);
      events.emit('template:update', template);
      return template;
    },

    async delete(projectId: string, uuid: string): Promise<void> {
      const template = await get(projectId, uuid);
      if (!(await store.deleteTemplate(projectId, uuid))) throw notFound('template', uuid);
      cache.invalidate(projectId);
      events.emit('template:delete', template);
    },

    /** Seed 002 render: subject and HTML body for a locale and parameters; failures are 400s naming the problem. */
    async render(projectId: string, uuid: string, input: RenderTemplateInput): Promise<{ subject: string; body: string }> {
      let rendered: TemplateRender;
      try {
        rendered = await deps.renderer.renderTemplate(projectId, uuid, input);
      } catch (error) {
        throw renderProblem(error);
      }
      return { subject: rendered.subject, body: rendered.html };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
