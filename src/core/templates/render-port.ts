/**
 * Rendering off the event loop: a port the template renderer hands Liquid work
 * to (implemented by a worker-thread pool outside core). Each part is a source
 * and its output kind; the answer is each part rendered, in order. A failure
 * rejects with an Error whose message starts with the part's name.
 */
import type { OutputKind } from './liquid-engine.js';

export interface RenderPart {
  name: string;
  source: string;
  kind: OutputKind;
  /** Move <style> rules into style attributes after rendering (html parts). */
  inlineCss?: boolean;
}

export type RenderOffLoop = (projectId: string, parts: readonly RenderPart[], variables: object) => Promise<string[]>;
