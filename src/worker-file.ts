import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A thread pool's compiled worker script: next to the calling module in dist/, or
 * in dist/ when the caller runs from source (tests, benches), since worker threads
 * load JavaScript. `callerUrl` is the caller's import.meta.url; `distPath` the
 * worker's path below dist/, e.g. 'render-pool/render-worker.js'.
 */
export function compiledWorkerFile(callerUrl: string, distPath: string): string {
  const here = fileURLToPath(callerUrl);
  const sibling = join(dirname(here), distPath.split('/').pop()!);
  if (!here.endsWith('.ts') && existsSync(sibling)) return sibling;
  const source = here.lastIndexOf(`${sep}src${sep}`);
  return resolve(here.slice(0, source), 'dist', distPath);
}

/**
 * Worker threads load their script with import(), never require(): piscina tries require() first, and Node 20's
 * require() of an ES module can fail a native assertion that kills the whole process (seen once in a full test run).
 */
export const workerExecArgv = ['--no-experimental-require-module'];
