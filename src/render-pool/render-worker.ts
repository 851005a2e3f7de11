/**
 * One render pool thread: parses (cached by source) and renders with the same
 * engine and limits as the main thread would (time, memory and output limits
 * per render), and makes text alternatives, so a heavy template only ever
 * occupies this thread.
 */
import { workerData } from 'node:worker_threads';
import { createLiquidEngine, defaultLimits, type EngineLimits } from '../core/templates/liquid-engine.js';
import { renderPartsNow } from '../core/templates/render-parts.js';
import type { RenderPart } from '../core/templates/render-port.js';
import { createSourceCache } from '../core/templates/source-cache.js';

const engine = createLiquidEngine({ ...defaultLimits, ...((workerData as { limits?: Partial<EngineLimits> } | undefined)?.limits ?? {}) });
const parsed = createSourceCache(engine);

export default function render({ parts, variables }: { parts: RenderPart[]; variables: object }): string[] {
  return renderPartsNow(engine, parsed, parts, variables);
}
