import type { Template } from 'liquidjs';
import type { LiquidEngine, OutputKind } from './liquid-engine.js';

/**
 * Parsed templates for sources that are not stored templates (raw html sends
 * with variables, typed templates): a broadcast renders the same source for
 * every recipient, so it is parsed once. Bounded, oldest entries go first.
 */
export function createSourceCache(engine: LiquidEngine, maxEntries = 500) {
  const entries = new Map<string, Template[]>();
  return function parsed(source: string, kind: OutputKind): Template[] {
    const key = `${kind}\u0000${source}`;
    let templates = entries.get(key);
    if (!templates) {
      templates = engine.parse(source, kind);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, templates);
    }
    return templates;
  };
}

export type SourceCache = ReturnType<typeof createSourceCache>;
