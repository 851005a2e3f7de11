/**
 * Checks done when a block or template is saved, so that a saved template
 * always renders: Liquid syntax of every piece, known blocks, and a translation
 * for every text key in at least one language. Problems are 400s naming the field.
 */
import { MailroomError } from '../errors.js';
import { expandTemplate } from './expand.js';
import { liquidReason, type LiquidEngine, type OutputKind } from './liquid-engine.js';
import { blockRefsIn, textKeysIn, withoutPlaceholders } from './placeholders.js';
import type { EmailTemplate } from './types.js';

export function invalidTemplate(field: string, problem: string): MailroomError {
  return new MailroomError('TEMPLATE_INVALID', `${field}: ${problem}`, { field, problem });
}

function checkSyntax(engine: LiquidEngine, field: string, source: string, kind: OutputKind): void {
  try {
    engine.parse(source, kind);
  } catch (error) {
    throw invalidTemplate(field, `syntax error: ${liquidReason(error)}`);
  }
}

export function validateBlockContent(engine: LiquidEngine, content: string): void {
  if (blockRefsIn(content).length > 0) throw invalidTemplate('content', 'a block cannot contain other blocks');
  checkSyntax(engine, 'content', withoutPlaceholders(content), 'html');
}

type TemplateParts = Pick<EmailTemplate, 'subject' | 'body' | 'translations'>;

/** Returns the block uuids the template references. `blocks` holds the project's blocks it may use. */
export function validateTemplate(engine: LiquidEngine, template: TemplateParts, blocks: ReadonlyMap<string, string>): string[] {
  const refs: string[] = [];
  for (const field of ['subject', 'body'] as const) {
    for (const uuid of blockRefsIn(template[field])) {
      if (!blocks.has(uuid)) throw invalidTemplate(field, `unknown block ${uuid}`);
      refs.push(uuid);
    }
  }
  checkSyntax(engine, 'subject', withoutPlaceholders(template.subject), 'text');
  checkSyntax(engine, 'body', withoutPlaceholders(template.body), 'html');
  for (const [language, texts] of Object.entries(template.translations)) {
    for (const [key, text] of Object.entries(texts)) {
      const field = `translations.${language}.${key}`;
      if (blockRefsIn(text).length > 0 || textKeysIn(text).length > 0) throw invalidTemplate(field, 'a translation cannot contain text or block placeholders');
      checkSyntax(engine, field, text, 'html');
    }
  }
  const defined = new Set(Object.values(template.translations).flatMap((texts) => Object.keys(texts)));
  const sources: Array<[string, string]> = [
    ['subject', template.subject],
    ['body', template.body],
    ...refs.map((uuid): [string, string] => [`block ${uuid}`, blocks.get(uuid)!]),
  ];
  for (const [where, source] of sources) {
    const missing = textKeysIn(source).find((key) => !defined.has(key));
    if (missing !== undefined) {
      throw invalidTemplate(where.startsWith('block') ? 'body' : where, `text key "${missing}" (in ${where}) has no translation in any language`);
    }
  }
  // Each language's assembled template must parse too (pieces can be well-formed alone but not together).
  for (const language of [...Object.keys(template.translations), '']) {
    const expanded = expandTemplate(template, blocks, language ? [language] : []);
    checkSyntax(engine, language ? `translations.${language}` : 'body', expanded.subject, 'text');
    checkSyntax(engine, language ? `translations.${language}` : 'body', expanded.body, 'html');
  }
  return [...new Set(refs)];
}
