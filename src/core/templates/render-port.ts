/**
 * Rendering off the event loop: a port the template renderer hands its work
 * to (implemented by a worker-thread pool outside core). Each part is either a
 * Liquid source with its output kind, or the plain-text alternative of HTML
 * (html-to-text, which on a large page takes seconds: never on the event
 * loop). The answer is each part's output, in order. A failure rejects with an
 * Error whose message starts with the part's name.
 */
import type { OutputKind } from './liquid-engine.js';

export interface LiquidPart {
  name: string;
  source: string;
  kind: OutputKind;
  /** Move <style> rules into style attributes after rendering (html parts). */
  inlineCss?: boolean;
}

export interface TextPart {
  name: string;
  /** The HTML to convert: an earlier part's output (its index), or HTML given as is. */
  textOf: number | { html: string };
}

export type RenderPart = LiquidPart | TextPart;

export type RenderOffLoop = (projectId: string, parts: readonly RenderPart[], variables: object) => Promise<string[]>;
