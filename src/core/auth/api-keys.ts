import { createHash, randomBytes } from 'node:crypto';
import type { KeyKind } from './permissions.js';

const kindPrefix: Record<KeyKind, string> = {
  secret: 'mr_sk_',
  admin: 'mr_ak_',
  publishable: 'mr_pk_',
  scoped: 'mr_rk_',
};

/** Keys are 192 random bits, so a plain SHA-256 is a safe and fast lookup hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(kind: KeyKind): { key: string; hash: string; prefix: string } {
  const key = kindPrefix[kind] + randomBytes(24).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 12) };
}

/** API keys are recognisable by prefix, which tells them apart from end-user JWTs. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('mr_');
}
