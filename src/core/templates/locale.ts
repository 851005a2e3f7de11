/**
 * The one locale fallback chain: exact (de-DE) -> language (de) -> the
 * project's default locale (and its language) -> the template's base text.
 */
import type { Translations } from './types.js';

export const localePattern = /^[a-z]{2}(-[A-Z]{2})?$/;

export function localeChain(locale: string | null | undefined, projectDefault: string | null | undefined): string[] {
  const chain: string[] = [];
  for (const tag of [locale, projectDefault]) {
    if (!tag) continue;
    chain.push(tag);
    const language = tag.split('-')[0]!;
    if (language !== tag) chain.push(language);
  }
  return [...new Set(chain)];
}

/**
 * The text for a key along the chain; the base text is the key's value in the
 * first language of the template's translations that defines it. Undefined only
 * when no language defines the key (saving such a template is refused).
 */
export function resolveText(translations: Translations, key: string, chain: readonly string[]): string | undefined {
  for (const tag of chain) {
    const text = translations[tag]?.[key];
    if (text !== undefined) return text;
  }
  for (const texts of Object.values(translations)) {
    if (texts[key] !== undefined) return texts[key];
  }
  return undefined;
}
