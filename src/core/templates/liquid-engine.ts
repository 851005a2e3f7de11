/**
 * LiquidJS configured for tenant-authored templates: output is HTML-escaped,
 * only own properties are visible (no prototype walking), parsing, rendering
 * time and memory are bounded, and nothing is read from disk (include, render
 * and layout are refused when a template is parsed).
 */
import { Liquid, LiquidError, Tag, type Template } from 'liquidjs';

export interface EngineLimits {
  /** Largest template source, in characters. */
  parseLimit: number;
  /** Longest render, in milliseconds (stops runaway loops). */
  renderLimit: number;
  /** Largest allocation by ranges, filters and tags (stops huge strings and arrays). */
  memoryLimit: number;
  /** Largest rendered part, in characters. */
  outputLimit: number;
}

export const defaultLimits: EngineLimits = {
  parseLimit: 1_000_000,
  renderLimit: 500,
  memoryLimit: 10_000_000,
  outputLimit: 2_000_000,
};

/** HTML bodies escape every output; subjects and text/plain content are not HTML and are not escaped. */
export type OutputKind = 'html' | 'text';

export interface LiquidEngine {
  readonly limits: EngineLimits;
  parse(source: string, kind: OutputKind): Template[];
  render(templates: Template[], kind: OutputKind, scope: object): string;
}

class RefusedTag extends Tag {
  constructor(...args: ConstructorParameters<typeof Tag>) {
    super(...args);
    throw new Error(`{% ${args[0].name} %} is not available: templates cannot read partials or files`);
  }
  *render(): Generator<unknown, void, unknown> {}
}

function createLiquid(limits: EngineLimits, kind: OutputKind): Liquid {
  const liquid = new Liquid({
    ...(kind === 'html' ? { outputEscape: 'escape' as const } : {}),
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    // An empty in-memory map: no filesystem, whatever a template asks for.
    templates: {},
    dynamicPartials: false,
    cache: false,
    parseLimit: limits.parseLimit,
    renderLimit: limits.renderLimit,
    memoryLimit: limits.memoryLimit,
  });
  for (const name of ['include', 'render', 'layout', 'block']) liquid.registerTag(name, RefusedTag);
  return liquid;
}

export function createLiquidEngine(limits: EngineLimits = defaultLimits): LiquidEngine {
  const engines: Record<OutputKind, Liquid> = { html: createLiquid(limits, 'html'), text: createLiquid(limits, 'text') };
  return {
    limits,
    parse: (source, kind) => engines[kind].parse(source),
    render(templates, kind, scope) {
      const output = engines[kind].renderSync(templates, scope) as string;
      if (output.length > limits.outputLimit) {
        throw new Error(`the rendered output is larger than ${limits.outputLimit} characters`);
      }
      return output;
    },
  };
}

/** A readable one-line reason from a LiquidJS error (its message already names line and column). */
export function liquidReason(error: unknown): string {
  if (error instanceof LiquidError) return error.message.split('\n')[0] ?? error.name;
  if (error instanceof Error) return error.message;
  return String(error);
}
