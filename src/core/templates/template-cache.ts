/**
 * Stored templates, loaded and compiled once per version. A render in the hot
 * path touches no database: entries are revalidated against the store at most
 * every `revalidateMs` (other processes' edits), and this process's own edits
 * drop the project's entries at once.
 */
import type { Template } from 'liquidjs';
import type { Clock } from '../clock.js';
import { expandTemplate } from './expand.js';
import { liquidReason, type LiquidEngine } from './liquid-engine.js';
import { localeChain } from './locale.js';
import { RenderError } from './renderer.js';
import { TemplateNotFoundError } from './render-errors.js';
import type { EmailTemplate, TemplateStore } from './types.js';

export interface CompiledTemplate {
  subject: Template[];
  body: Template[];
}

export interface LoadedTemplate {
  template: EmailTemplate;
  blocks: Map<string, string>;
  version: string;
  checkedAt: number;
  /** Compiled per locale chain ("de-DE|en"). */
  compiled: Map<string, CompiledTemplate>;
}

export interface TemplateCacheDeps {
  store: TemplateStore;
  engine: LiquidEngine;
  clock: Clock;
  defaultLocaleOf(projectId: string): Promise<string | undefined>;
  /** How long a loaded template or project locale is trusted without asking the store (default 2 s). */
  revalidateMs?: number;
  maxEntries?: number;
}

export function createTemplateCache(deps: TemplateCacheDeps) {
  const revalidateMs = deps.revalidateMs ?? 2000;
  const maxEntries = deps.maxEntries ?? 2000;
  const byProject = new Map<string, Map<string, LoadedTemplate>>();
  const locales = new Map<string, { value: string | undefined; checkedAt: number }>();
  let size = 0;

  async function fetch(projectId: string, idOrName: string): Promise<Omit<LoadedTemplate, 'compiled' | 'checkedAt'> | undefined> {
    const template = (await deps.store.getTemplate(projectId, idOrName)) ?? (await deps.store.getTemplateByName(projectId, idOrName));
    if (!template) return undefined;
    const blocks = await deps.store.getBlocks(projectId, template.blocks);
    const version = [template.updatedAt, ...blocks.map((b) => `${b.uuid}@${b.updatedAt}`).sort()].join(',');
    return { template, blocks: new Map(blocks.map((b) => [b.uuid, b.content])), version };
  }

  function remember(projectId: string, key: string, entry: LoadedTemplate): void {
    let entries = byProject.get(projectId);
    if (!entries) byProject.set(projectId, (entries = new Map()));
    if (!entries.has(key)) size += 1;
    entries.set(key, entry);
    if (size > maxEntries) {
      // Crude but bounded: start over rather than track recency on the hot path.
      byProject.clear();
      size = 0;
    }
  }

  async function load(projectId: string, idOrName: string): Promise<LoadedTemplate> {
    const now = deps.clock.now();
    const cached = byProject.get(projectId)?.get(idOrName);
    if (cached && now - cached.checkedAt < revalidateMs) return cached;
    const fresh = await fetch(projectId, idOrName);
    if (!fresh) {
      byProject.get(projectId)?.delete(idOrName);
      throw new TemplateNotFoundError(idOrName);
    }
    const entry: LoadedTemplate =
      cached && cached.version === fresh.version
        ? { ...cached, checkedAt: now }
        : { ...fresh, checkedAt: now, compiled: new Map() };
    remember(projectId, idOrName, entry);
    return entry;
  }

  async function defaultLocale(projectId: string): Promise<string | undefined> {
    const now = deps.clock.now();
    const cached = locales.get(projectId);
    if (cached && now - cached.checkedAt < revalidateMs) return cached.value;
    const value = await deps.defaultLocaleOf(projectId);
    locales.set(projectId, { value, checkedAt: now });
    return value;
  }

  function compiledFor(entry: LoadedTemplate, locale: string | null, projectDefault: string | undefined): CompiledTemplate {
    const key = `${locale ?? ''}|${projectDefault ?? ''}`;
    let compiled = entry.compiled.get(key);
    if (!compiled) {
      const source = expandTemplate(entry.template, entry.blocks, localeChain(locale, projectDefault));
      try {
        compiled = { subject: deps.engine.parse(source.subject, 'text'), body: deps.engine.parse(source.body, 'html') };
      } catch (error) {
        throw new RenderError(`template ${entry.template.name} does not compile: ${liquidReason(error)}`);
      }
      entry.compiled.set(key, compiled);
    }
    return compiled;
  }

  return {
    load,
    defaultLocale,
    compiledFor,
    /** The expanded sources (blocks and translations in place) a render pool thread parses itself. */
    sourcesFor(entry: LoadedTemplate, locale: string | null, projectDefault: string | undefined) {
      compiledFor(entry, locale, projectDefault); // refuses a template that does not compile, once, here
      return expandTemplate(entry.template, entry.blocks, localeChain(locale, projectDefault));
    },
    /** Called after this process changes a block, a template or project settings. */
    invalidate(projectId: string): void {
      size -= byProject.get(projectId)?.size ?? 0;
      byProject.delete(projectId);
      locales.delete(projectId);
    },
  };
}

export type TemplateCache = ReturnType<typeof createTemplateCache>;
