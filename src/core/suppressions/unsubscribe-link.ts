import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-click unsubscribe links (RFC 8058). The link names the project and the
 * address and carries an HMAC made with the project's signing secret, so nobody
 * can unsubscribe an address they did not receive a message for.
 */
function signature(secret: string, projectId: string, email: string): string {
  return createHmac('sha256', secret).update(`unsubscribe\n${projectId}\n${email}`).digest('base64url');
}

export const unsubscribePath = '/api/v1/emails/unsubscribe';

export function unsubscribeUrl(publicUrl: string, secret: string, projectId: string, email: string): string {
  const url = new URL(unsubscribePath, publicUrl);
  url.searchParams.set('project', projectId);
  url.searchParams.set('email', email);
  url.searchParams.set('sig', signature(secret, projectId, email));
  return url.toString();
}

export function verifyUnsubscribe(secret: string, projectId: string, email: string, sig: string): boolean {
  const expected = Buffer.from(signature(secret, projectId, email));
  const given = Buffer.from(sig);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
