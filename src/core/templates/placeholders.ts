/**
 * Seed 002 placeholders, written inside Liquid output braces so a template
 * stays valid-looking Liquid for editors:
 *
 *   {{ text:welcome_title }}   a translated text (may itself hold Liquid and parameters)
 *   {{ block:<uuid> }}         a block's content
 *   {{ param:username }}       a parameter; the same as Liquid's {{ username }}
 *
 * Text and block placeholders are replaced by their source text before Liquid
 * parses the result, so translations and blocks are template source (they may
 * use parameters and filters), while parameter values are always escaped output.
 */
const textPattern = /\{\{-?\s*text:([A-Za-z0-9_.-]+)\s*-?\}\}/g;
const blockPattern = /\{\{-?\s*block:([A-Za-z0-9_-]+)\s*-?\}\}/g;
const paramPattern = /\{\{(-?)\s*param:/g;

const unique = (values: Iterable<string>) => [...new Set(values)];

export function textKeysIn(source: string): string[] {
  return unique(Array.from(source.matchAll(textPattern), (m) => m[1]!));
}

export function blockRefsIn(source: string): string[] {
  return unique(Array.from(source.matchAll(blockPattern), (m) => m[1]!));
}

/** Blocks first (they may hold text keys), then texts, then the `param:` alias. */
export function expandPlaceholders(
  source: string,
  lookup: { block(uuid: string): string; text(key: string): string },
): string {
  return source
    .replace(blockPattern, (_m, uuid: string) => lookup.block(uuid))
    .replace(textPattern, (_m, key: string) => lookup.text(key))
    .replace(paramPattern, (_m, trim: string) => `{{${trim} `);
}

/** The source with every text and block placeholder blanked, for checking its own Liquid syntax. */
export function withoutPlaceholders(source: string): string {
  return expandPlaceholders(source, { block: () => '', text: () => '' });
}
