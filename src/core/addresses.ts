/**
 * The one canonical form of an email address, for storing and comparing
 * addresses (suppressions, verification): a bare mailbox, parsed as every send
 * path parses it (parseMailbox: IDN domains to punycode), lower-cased, since
 * addresses here compare case-insensitively. `X@Bücher.de` and
 * `x@xn--bcher-kva.de` are the same address.
 */
import { parseMailbox } from './outbox/address.js';

/** Throws SCHEMA_ERROR naming `field` when the input is not one valid address. */
export function canonicalEmail(input: string, field = 'email'): string {
  return parseMailbox(field, input).address.toLowerCase();
}

/** For lookups of stored values: the canonical form when the input parses, else it trimmed and lower-cased. */
export function comparableEmail(input: string): string {
  try {
    return canonicalEmail(input);
  } catch {
    return input.trim().toLowerCase();
  }
}
