/**
 * Seed 004 typed templates (one per project, language tag and type) and the
 * choice of one for a send: by type along the locale chain, then Generic.
 * Their subject and content are Liquid, rendered by the same engine.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MailroomError, notFound } from '../errors.js';
import { liquidReason, type LiquidEngine } from './liquid-engine.js';
import { localeChain } from './locale.js';
import type { TemplateCache } from './template-cache.js';
import type { TemplateRenderer } from './template-renderer.js';
import type { RenderPart } from './render-port.js';
import { oneLine } from './text-part.js';
import { assertHeaderValue } from '../outbox/address.js';
import type { TemplateType, TypedTemplate, TypedTemplateDetails, TypedTemplateFilter, TypedTemplateStore } from './typed-types.js';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** 21 characters, as the seed's id limit allows. */
function newId(): string {
  return Array.from(randomBytes(21), (byte) => alphabet[byte % alphabet.length]).join('');
}

export interface TypedTemplateInput {
  languageTag: string;
  templateType: TemplateType;
  details: TypedTemplateDetails;
}

export interface RenderedTypedTemplate {
  template: TypedTemplate;
  subject: string;
  html: string | null;
  text: string;
  replyTo: string | null;
  sendFrom: string | null;
}

export interface TypedTemplateServiceDeps {
  store: TypedTemplateStore;
  engine: LiquidEngine;
  clock: Clock;
  cache: TemplateCache;
  renderer: TemplateRenderer;
}

export function createTypedTemplateService(deps: TypedTemplateServiceDeps) {
  const { store, engine, clock } = deps;

  function checkDetails(field: string, details: Partial<TypedTemplateDetails>): void {
    const parts: Array<[keyof TypedTemplateDetails, 'html' | 'text']> = [
      ['subject', 'text'],
      ['content', details.contentType === 'text/plain' ? 'text' : 'html'],
      ['replyTo', 'text'],
      ['sendFrom', 'text'],
    ];
    // Sender fields end up in From/Reply-To (a name or a mailbox, see verification/send-code.ts): one line, no control characters.
    for (const name of ['sendFrom', 'replyTo', 'subject'] as const) {
      const value = details[name];
      if (value) assertHeaderValue(`${field}.${name}`, value);
    }
    for (const [name, kind] of parts) {
      const source = details[name];
      if (source === undefined) continue;
      try {
        engine.parse(source, kind);
      } catch (error) {
        throw new MailroomError('TEMPLATE_INVALID', `${field}.${name}: syntax error: ${liquidReason(error)}`, { field: `${field}.${name}` });
      }
    }
  }

  async function get(projectId: string, id: string): Promise<TypedTemplate> {
    const template = await store.get(projectId, id);
    if (!template) throw notFound('email template', id);
    return template;
  }

  /**
   * The template for a type and locale: the type along the locale chain, then
   * Generic along the chain, then the type in any language, then Generic in any.
   */
  async function choose(projectId: string, templateType: TemplateType, locale: string | null): Promise<TypedTemplate | undefined> {
    const chain = localeChain(locale, await deps.cache.defaultLocale(projectId));
    const types: TemplateType[] = templateType === 'Generic' ? ['Generic'] : [templateType, 'Generic'];
    for (const type of types) {
      const found = await store.findByType(projectId, type, chain);
      for (const tag of chain) {
        const match = found.find((t) => t.languageTag === tag);
        if (match) return match;
      }
    }
    for (const type of types) {
      const [oldest] = await store.list(projectId, { templateType: type });
      if (oldest) return oldest;
    }
    return undefined;
  }

  return {
    async upsert(projectId: string, inputs: readonly TypedTemplateInput[]): Promise<TypedTemplate[]> {
      const seen = new Set<string>();
      inputs.forEach((input, index) => {
        const key = `${input.languageTag}\u0000${input.templateType}`;
        if (seen.has(key)) {
          throw new MailroomError('SCHEMA_ERROR', `templates.${index}: ${input.templateType} for ${input.languageTag} is given twice`, { field: `templates.${index}` });
        }
        seen.add(key);
        checkDetails(`templates.${index}.details`, input.details);
      });
      const now = clock.now();
      return store.upsert(
        projectId,
        inputs.map((input) => ({ id: newId(), tenantId: projectId, ...input, createdAt: now, updatedAt: now })),
      );
    },

    list: (projectId: string, filter: TypedTemplateFilter) => store.list(projectId, filter),
    get,

    async delete(projectId: string, id: string): Promise<void> {
      if (!(await store.delete(projectId, id))) throw notFound('email template', id);
    },

    async deleteWhere(projectId: string, filter: TypedTemplateFilter): Promise<number> {
      if (filter.languageTag === undefined && filter.templateType === undefined) {
        throw new MailroomError('SCHEMA_ERROR', 'query: give languageTag or templateType (or both) to delete by filter', { field: 'query' });
      }
      return store.deleteWhere(projectId, filter);
    },

    /** Shallow merge of the given detail fields. */
    async updateDetails(projectId: string, id: string, patch: Partial<TypedTemplateDetails>): Promise<TypedTemplate> {
      const current = await get(projectId, id);
      const details = { ...current.details, ...patch };
      checkDetails('details', details);
      const updated = await store.updateDetails(projectId, id, details, Math.max(clock.now(), current.updatedAt + 1));
      if (!updated) throw notFound('email template', id);
      return updated;
    },

    choose,

    /** Chooses and renders a typed template (used by the email verification flow). */
    async render(projectId: string, templateType: TemplateType, locale: string | null, variables: Record<string, unknown>): Promise<RenderedTypedTemplate> {
      const template = await choose(projectId, templateType, locale);
      if (!template) throw new MailroomError('NOT_FOUND', `no ${templateType} or Generic email template exists`, { templateType });
      const { details } = template;
      const isText = details.contentType === 'text/plain';
      // Off the event loop like every other render: a tenant's heavy typed template only ever occupies a pool thread.
      const parts: RenderPart[] = [
        { name: 'content', source: details.content, kind: isText ? 'text' : 'html' },
        { name: 'subject', source: details.subject, kind: 'text' },
      ];
      if (details.replyTo) parts.push({ name: 'replyTo', source: details.replyTo, kind: 'text' });
      if (details.sendFrom) parts.push({ name: 'sendFrom', source: details.sendFrom, kind: 'text' });
      if (!isText) parts.push({ name: 'text', textOf: 0 });
      const [content, subject, ...rest] = await deps.renderer.renderSources(projectId, parts, variables);
      const replyTo = details.replyTo ? rest.shift()! : null;
      const sendFrom = details.sendFrom ? rest.shift()! : null;
      return {
        template,
        subject: oneLine(subject!),
        html: isText ? null : content!,
        text: isText ? content! : rest.shift()!,
        replyTo: replyTo === null ? null : oneLine(replyTo),
        sendFrom: sendFrom === null ? null : oneLine(sendFrom),
      };
    },
  };
}

export type TypedTemplateService = ReturnType<typeof createTypedTemplateService>;
