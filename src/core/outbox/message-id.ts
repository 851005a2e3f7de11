/**
 * The Message-ID Mailroom gives a message: made from its id and the domain stored with its
 * content, so it is not stored per message and every retry sends the same one.
 */
export function messageIdFor(id: string, domain: string): string {
  return `<${id}@${domain}>`;
}
