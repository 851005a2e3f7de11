/** Wires the template engine, cache, renderer and use-cases once, for the composition root. */
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import { createBlockService } from './blocks.js';
import { createLiquidEngine, defaultLimits, type EngineLimits } from './liquid-engine.js';
import { createPreview } from './preview.js';
import { createTemplateCache } from './template-cache.js';
import { createTemplateRenderer } from './template-renderer.js';
import { createTemplateService } from './templates.js';
import { createTypedTemplateService } from './typed-templates.js';
import type { TemplateStore } from './types.js';
import type { TypedTemplateStore } from './typed-types.js';
import type { RenderOffLoop } from './render-port.js';

export interface TemplatingDeps {
  store: TemplateStore;
  typedStore: TypedTemplateStore;
  clock: Clock;
  events: EventBus;
  defaultLocaleOf(projectId: string): Promise<string | undefined>;
  limits?: Partial<EngineLimits>;
  /** Where renders run off the event loop (a worker-thread pool); without one they run here. */
  offLoop?: RenderOffLoop;
  revalidateMs?: number;
}

export function createTemplating(deps: TemplatingDeps) {
  const engine = createLiquidEngine({ ...defaultLimits, ...deps.limits });
  const cache = createTemplateCache({
    store: deps.store,
    engine,
    clock: deps.clock,
    defaultLocaleOf: deps.defaultLocaleOf,
    ...(deps.revalidateMs !== undefined ? { revalidateMs: deps.revalidateMs } : {}),
  });
  const rendering = createTemplateRenderer({ engine, cache, ...(deps.offLoop ? { offLoop: deps.offLoop } : {}) });
  const common = { engine, clock: deps.clock, cache };
  return {
    engine,
    cache,
    renderer: rendering.renderer,
    blocks: createBlockService({ ...common, store: deps.store, events: deps.events }),
    templates: createTemplateService({ ...common, store: deps.store, events: deps.events, renderer: rendering }),
    typedTemplates: createTypedTemplateService({ ...common, store: deps.typedStore, renderer: rendering }),
    preview: createPreview(rendering.renderer),
  };
}

export type Templating = ReturnType<typeof createTemplating>;
