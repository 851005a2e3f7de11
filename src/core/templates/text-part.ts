import { withoutControlCharacters } from '../outbox/address.js';
/** The parts derived from rendered HTML: the text alternative, and inlined CSS on request. */
import { compile } from 'html-to-text';
import juice from 'juice';

// Compiled once: html-to-text builds its selector machinery per options object.
const toText = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});

export function textPartOf(html: string): string {
  return toText(html);
}

/** Moves <style> rules into style attributes, which is what most mail clients honour. */
export function inlineCss(html: string): string {
  return juice(html);
}

/** A subject is one header line: line breaks and other control characters from parameters or translations become spaces. */
export function oneLine(subject: string): string {
  return withoutControlCharacters(subject).replace(/ {2,}/g, ' ').trim();
}
