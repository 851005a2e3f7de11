/**
 * One render pool thread: parses (cached by source) and renders with the same
 * engine and limits as the main thread would (time, memory and output limits
 * per render), so a heavy template only ever occupies this thread.
 */
import { createLiquidEngine, defaultLimits, liquidReason, type EngineLimits } from '../core/templates/liquid-engine.js';
import { createSourceCache } from '../core/templates/source-cache.js';
import { inlineCss } from '../core/templates/text-part.js';
import type { RenderPart } from '../core/templates/render-port.js';
import { workerData } from 'node:worker_threads';

const engine = createLiquidEngine({ ...defaultLimits, ...((workerData as { limits?: Partial<EngineLimits> } | undefined)?.limits ?? {}) });
const parsed = createSourceCache(engine);

export default function render({ parts, variables }: { parts: RenderPart[]; variables: object }): string[] {
  return parts.map((part) => {
    try {
      const output = engine.render(parsed(part.source, part.kind), part.kind, variables);
      return part.inlineCss ? inlineCss(output) : output;
    } catch (error) {
      throw new Error(`${part.name}: ${liquidReason(error)}`);
    }
  });
}
