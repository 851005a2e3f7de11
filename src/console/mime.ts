import { simpleParser, type ParsedMail } from 'mailparser';

/** A captured message's MIME, parsed for display (mailparser; never hand-parsed). */
export function parseMime(raw: string): Promise<ParsedMail> {
  return simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
}

/** Header lines as they appear in the source, unfolded, in order. */
export function headerLines(parsed: ParsedMail): { name: string; value: string }[] {
  return parsed.headerLines.map((line) => {
    const unfolded = line.line.replace(/\r?\n[ \t]+/g, ' ');
    const colon = unfolded.indexOf(':');
    return { name: unfolded.slice(0, colon), value: unfolded.slice(colon + 1).trim() };
  });
}

/**
 * Mail HTML is shown only inside `<iframe sandbox>` from a response with this
 * policy: no scripts, no forms, no plugins; images and inline styles only.
 */
export const mailContentPolicy = "sandbox; default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'; font-src data: https:";
