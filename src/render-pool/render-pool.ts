/**
 * Template renders on worker threads (piscina), so a tenant's heavy templates
 * never block the event loop, with a per-project share: one project has at
 * most `perProject` renders on the threads at once; its other renders wait in
 * its own queue, leaving threads for every other project.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { EngineLimits } from '../core/templates/liquid-engine.js';
import type { RenderOffLoop } from '../core/templates/render-port.js';

/** The compiled worker: next to this file in dist/, or dist/ when this file runs from source (tests). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'render-worker.js');
  if (!here.endsWith('.ts') && existsSync(sibling)) return sibling;
  return resolve(dirname(here), '../../dist/render-pool/render-worker.js');
}

export interface RenderPool {
  render: RenderOffLoop;
  close(): Promise<void>;
}

export function createRenderPool(options: { threads: number; perProject: number; limits?: Partial<EngineLimits> }): RenderPool {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: 1,
    maxThreads: options.threads,
    idleTimeout: 60_000,
    workerData: { limits: options.limits ?? {} },
  });
  const projects = new Map<string, { active: number; waiting: Array<() => void> }>();

  async function share<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    let slot = projects.get(projectId);
    if (!slot) projects.set(projectId, (slot = { active: 0, waiting: [] }));
    const entry = slot;
    if (entry.active >= options.perProject) await new Promise<void>((resolveTurn) => entry.waiting.push(resolveTurn));
    entry.active++;
    try {
      return await work();
    } finally {
      entry.active--;
      const next = entry.waiting.shift();
      if (next) next();
      else if (entry.active === 0) projects.delete(projectId);
    }
  }

  return {
    render: (projectId, parts, variables) => share(projectId, () => pool.run({ parts, variables }) as Promise<string[]>),
    close: () => pool.destroy(),
  };
}
