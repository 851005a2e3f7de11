/**
 * Renders a list of parts (see render-port.ts) synchronously: what a render
 * pool thread runs, and the fallback when there is no pool. Failures are
 * Errors whose message starts with the part's name.
 */
import { liquidReason, type LiquidEngine } from './liquid-engine.js';
import type { RenderPart } from './render-port.js';
import type { SourceCache } from './source-cache.js';
import { inlineCss, textPartOf } from './text-part.js';

export function renderPartsNow(engine: LiquidEngine, parsed: SourceCache, parts: readonly RenderPart[], variables: object): string[] {
  const outputs: string[] = [];
  for (const part of parts) {
    try {
      if ('textOf' in part) {
        const html = typeof part.textOf === 'number' ? outputs[part.textOf] : part.textOf.html;
        if (html === undefined) throw new Error(`no part ${String(part.textOf)} to take the text of`);
        outputs.push(textPartOf(html));
      } else {
        const output = engine.render(parsed(part.source, part.kind), part.kind, variables);
        outputs.push(part.inlineCss ? inlineCss(output) : output);
      }
    } catch (error) {
      throw new Error(`${part.name}: ${liquidReason(error)}`);
    }
  }
  return outputs;
}
