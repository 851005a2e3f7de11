import type { Kysely } from 'kysely';
import type { SessionStore } from '../core/auth/console-sessions.js';
import { deleteSession } from './queries/delete-session.js';
import { findSession } from './queries/find-session.js';
import { insertSession } from './queries/insert-session.js';
import { pruneSessions } from './queries/prune-sessions.js';
import { touchSession } from './queries/touch-session.js';
import type { Database } from './schema.js';

export function createSessionStore(db: Kysely<Database>): SessionStore {
  return {
    insert: (session) => insertSession(db, session),
    find: (tokenHash) => findSession(db, tokenHash),
    touch: (tokenHash, lastSeenAt, expiresAt) => touchSession(db, tokenHash, lastSeenAt, expiresAt),
    remove: (tokenHash) => deleteSession(db, tokenHash),
    pruneExpired: (now, limit) => pruneSessions(db, now, limit),
  };
}
