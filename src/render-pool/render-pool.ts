/**
 * Template renders on worker threads (piscina), so a tenant's heavy templates
 * never block the event loop, handed out fairly (fair-queue.ts): one project
 * has at most `perProject` renders on the threads at once, a free thread goes
 * to the waiting project that has used the threads least, and the last free
 * thread is kept for projects whose renders are light.
 */
import { Piscina } from 'piscina';
import { compiledWorkerFile, workerExecArgv } from '../worker-file.js';
import type { EngineLimits } from '../core/templates/liquid-engine.js';
import type { RenderOffLoop } from '../core/templates/render-port.js';
import { createFairQueue } from './fair-queue.js';


export interface RenderPool {
  render: RenderOffLoop;
  close(): Promise<void>;
}

export function createRenderPool(options: { threads: number; perProject: number; limits?: Partial<EngineLimits> }): RenderPool {
  const pool = new Piscina({
    execArgv: workerExecArgv, filename: compiledWorkerFile(import.meta.url, 'render-pool/render-worker.js'),
    // Every thread started up front and kept: starting one takes from 0.1 s to seconds (module loading), which a
    // light render arriving during a burst of heavy ones would otherwise wait for.
    minThreads: options.threads,
    maxThreads: options.threads,
    workerData: { limits: options.limits ?? {} },
  });
  const turns = createFairQueue({ slots: options.threads, perKey: options.perProject });

  return {
    render: (projectId, parts, variables) => turns.run(projectId, () => pool.run({ parts, variables }) as Promise<string[]>),
    close: () => pool.destroy(),
  };
}
