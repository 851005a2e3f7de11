/**
 * Console sessions, kept in the database so every process behind a load
 * balancer knows them: a random token in an HttpOnly, SameSite=Strict cookie,
 * stored only as its SHA-256 (a copy of the table signs nobody in). A session
 * points at the key it was opened with, and the key is checked on every
 * request, so revoking a key ends its sessions at once. Sessions end on
 * sign-out or after `idleMs` without use; expired rows are pruned a batch at
 * a time whenever someone signs in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { KeyKind, Principal } from './permissions.js';

export interface NewSession {
  tokenHash: string;
  projectId: string;
  keyId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** A session with the key it was opened with, as it stands now. */
export interface StoredSession {
  projectId: string;
  keyId: string;
  keyKind: KeyKind;
  permissions: string[];
  keyRevoked: boolean;
  lastSeenAt: number;
  expiresAt: number;
}

export interface SessionStore {
  insert(session: NewSession): Promise<void>;
  find(tokenHash: string): Promise<StoredSession | undefined>;
  touch(tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void>;
  remove(tokenHash: string): Promise<void>;
  /** Deletes up to `limit` sessions expired at `now`; answers how many. */
  pruneExpired(now: number, limit: number): Promise<number>;
}

/** Writing last-seen at most once a minute keeps a busy page off the write path. */
const touchIntervalMs = 60_000;
const pruneBatch = 500;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function createConsoleSessions(deps: {
  store: SessionStore;
  clock: Clock;
  authenticateKey(key: string): Promise<Principal | undefined>;
  idleMs?: number;
}) {
  const idleMs = deps.idleMs ?? 12 * 3600_000;
  return {
    /** Signs in with a key; undefined when the key is not a live key that may use the console. */
    async open(key: string): Promise<{ token: string; principal: Principal } | undefined> {
      const principal = await deps.authenticateKey(key);
      if (!principal || principal.keyKind === 'publishable') return undefined;
      const now = deps.clock.now();
      await deps.store.pruneExpired(now, pruneBatch);
      const token = randomBytes(32).toString('base64url');
      await deps.store.insert({ tokenHash: hashToken(token), projectId: principal.projectId, keyId: principal.keyId, createdAt: now, lastSeenAt: now, expiresAt: now + idleMs });
      return { token, principal };
    },

    /** The session's principal, or undefined when it ended (unknown, idle too long, key revoked). */
    async resolve(token: string | undefined): Promise<Principal | undefined> {
      if (!token) return undefined;
      const tokenHash = hashToken(token);
      const session = await deps.store.find(tokenHash);
      if (!session) return undefined;
      const now = deps.clock.now();
      if (session.expiresAt <= now || session.keyRevoked) {
        await deps.store.remove(tokenHash);
        return undefined;
      }
      if (now - session.lastSeenAt >= touchIntervalMs) await deps.store.touch(tokenHash, now, now + idleMs);
      return { projectId: session.projectId, keyId: session.keyId, keyKind: session.keyKind, permissions: session.permissions };
    },

    async close(token: string | undefined): Promise<void> {
      if (token) await deps.store.remove(hashToken(token));
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
