/**
 * Address and header validation for every send path. Parsing is nodemailer's
 * RFC 5322 address parser; this module only decides what it accepts: exactly
 * one mailbox, a sane local part, and a domain that converts to ASCII (IDN).
 */
import { domainToASCII } from 'node:url';
import { createRequire } from 'node:module';
import { invalidField } from '../errors.js';

interface ParsedAddress {
  name: string;
  address?: string;
  group?: ParsedAddress[];
}

// addressparser ships without types and as CommonJS; its shape is stated here once.
const addressparser = createRequire(import.meta.url)('nodemailer/lib/addressparser') as (input: string) => ParsedAddress[];

export interface Mailbox {
  /** local@ascii-domain */
  address: string;
  /** Display name, empty when none was given. */
  name: string;
}

const lineBreak = /[\r\n\0]/;
/**
 * Control characters have no place in a header: C0 (but TAB), DEL, C1 and the
 * Unicode line and paragraph separators. Some mail software treats VT, FF or
 * NEL as line ends, so they are refused like CR and LF.
 */
export const controlCharacters = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;
const controlCharactersAll = new RegExp(controlCharacters.source, 'g');

/** Template output bound for a header: each control character becomes a space (it cannot be refused: the render happens later). */
export function withoutControlCharacters(value: string): string {
  return value.replace(controlCharactersAll, ' ');
}
// RFC 5322 atext plus UTF-8 (RFC 6532), in dot-atom form; or a quoted string.
const dotAtom = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/;
const quoted = /^"([^"\\]|\\.)*"$/;
const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// The common shape takes a fast path; anything else goes through the parser.
const plain = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function checkDomain(domain: string): string | undefined {
  const ascii = domainToASCII(domain);
  if (!ascii || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => label.test(l))) return undefined;
  return ascii;
}

/**
 * Domains recur (a broadcast's 100,000 addresses share a few hundred), so each one's
 * IDN conversion and label check is remembered; the cache starts over when full.
 */
const domains = new Map<string, string | null>();
const maxDomains = 10_000;

function asciiDomain(domain: string): string | undefined {
  let ascii = domains.get(domain);
  if (ascii === undefined) {
    if (domains.size >= maxDomains) domains.clear();
    ascii = checkDomain(domain) ?? null;
    domains.set(domain, ascii);
  }
  return ascii ?? undefined;
}

function checkAddress(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const local = address.slice(0, at);
  if (Buffer.byteLength(local) > 64 || !(dotAtom.test(local) || quoted.test(local))) return undefined;
  const domain = asciiDomain(address.slice(at + 1).toLowerCase());
  return domain && `${local}@${domain}`;
}

/** Parses one mailbox (`a@b.c` or `Name <a@b.c>`); throws SCHEMA_ERROR naming the field. */
export function parseMailbox(field: string, input: string): Mailbox {
  if (lineBreak.test(input)) throw invalidField(field, 'must not contain line breaks');
  if (controlCharacters.test(input)) throw invalidField(field, 'must not contain control characters');
  const trimmed = input.trim();
  if (trimmed.length > 998) throw invalidField(field, 'is too long');
  if (plain.test(trimmed)) {
    const address = checkAddress(trimmed);
    if (address) return { address, name: '' };
  }
  const parsed = addressparser(trimmed);
  const only = parsed.length === 1 ? parsed[0] : undefined;
  if (!only || only.group || !only.address) throw invalidField(field, `"${input}" is not one email address`);
  const address = checkAddress(only.address);
  if (!address) throw invalidField(field, `"${input}" is not a valid email address`);
  return { address, name: only.name ?? '' };
}

/** The mailbox as a header value: `"Name" <a@b.c>` or `a@b.c`. */
export function formatMailbox(mailbox: Mailbox): string {
  if (!mailbox.name) return mailbox.address;
  return `"${mailbox.name.replace(/["\\]/g, '\\$&')}" <${mailbox.address}>`;
}

/** Parses and re-formats, so stored addresses are normalised (ASCII domains). */
export function normaliseAddress(field: string, input: string): string {
  return formatMailbox(parseMailbox(field, input));
}

/** A header value or subject: no CR, LF, NUL or other control character, so nothing can be injected into the header block. */
export function assertHeaderValue(field: string, value: string): void {
  if (controlCharacters.test(value)) throw invalidField(field, 'must not contain CR, LF, NUL or other control characters');
}
