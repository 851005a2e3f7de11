/**
 * Console sessions: a random id in an HttpOnly, SameSite=Strict cookie; the
 * key stays in this process's memory and is checked again on every request,
 * so a revoked key ends its sessions at once. The key never travels in a URL
 * and never reaches the browser again after sign-in. Sessions end on sign-out,
 * after `idleMs` without use, or when the process restarts (sign in again).
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../core/auth/permissions.js';

export const sessionCookie = 'mailroom_session';

interface Session {
  key: string;
  lastSeen: number;
}

export function createSessions(options: { authenticateKey(key: string): Promise<Principal | undefined>; now(): number; idleMs?: number; max?: number }) {
  const idleMs = options.idleMs ?? 12 * 3600_000;
  const max = options.max ?? 10_000;
  const sessions = new Map<string, Session>();

  function evictOldest(): void {
    // Map keeps insertion order, and `resolve` re-inserts on use: the first entry is the least recently used.
    const oldest = sessions.keys().next().value;
    if (oldest !== undefined) sessions.delete(oldest);
  }

  return {
    /** Signs in with a key; undefined when the key is not a live key that may use the console. */
    async open(key: string): Promise<{ id: string; principal: Principal } | undefined> {
      const principal = await options.authenticateKey(key);
      if (!principal || principal.keyKind === 'publishable') return undefined;
      if (sessions.size >= max) evictOldest();
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { key, lastSeen: options.now() });
      return { id, principal };
    },

    /** The session's principal, or undefined when it ended (unknown, idle too long, key revoked). */
    async resolve(id: string | undefined): Promise<Principal | undefined> {
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      const now = options.now();
      if (now - session.lastSeen > idleMs) {
        sessions.delete(id);
        return undefined;
      }
      const principal = await options.authenticateKey(session.key);
      sessions.delete(id);
      if (!principal) return undefined;
      session.lastSeen = now;
      sessions.set(id, session);
      return principal;
    },

    close(id: string | undefined): void {
      if (id) sessions.delete(id);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
