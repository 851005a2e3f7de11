import { compile } from 'html-to-text';

/** A plain-text part for html-only messages; the converter is compiled once per worker pool. */
export function createTextFromHtml(): (html: string) => string {
  return compile({ wordwrap: 78, selectors: [{ selector: 'img', format: 'skip' }] });
}
