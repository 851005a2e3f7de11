/** A stored template's subject and body as Liquid source for one locale chain. */
import { resolveText } from './locale.js';
import { expandPlaceholders } from './placeholders.js';
import { RenderError } from './renderer.js';
import type { EmailTemplate } from './types.js';

export interface ExpandedSource {
  subject: string;
  body: string;
}

export function expandTemplate(
  template: Pick<EmailTemplate, 'subject' | 'body' | 'translations'>,
  blocks: ReadonlyMap<string, string>,
  chain: readonly string[],
): ExpandedSource {
  const lookup = {
    block(uuid: string): string {
      const content = blocks.get(uuid);
      if (content === undefined) throw new RenderError(`block ${uuid} no longer exists`);
      return content;
    },
    text(key: string): string {
      const text = resolveText(template.translations, key, chain);
      // Never let a raw `text:key` reach a recipient.
      if (text === undefined) throw new RenderError(`text key "${key}" has no translation in any language`);
      return text;
    },
  };
  return { subject: expandPlaceholders(template.subject, lookup), body: expandPlaceholders(template.body, lookup) };
}
