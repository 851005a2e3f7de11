import type { Kysely } from 'kysely';
import type { NewSession } from '../../core/auth/console-sessions.js';
import type { Database } from '../schema.js';

export async function insertSession(db: Kysely<Database>, s: NewSession): Promise<void> {
  await db
    .insertInto('console_sessions')
    .values({ token_hash: s.tokenHash, project_id: s.projectId, key_id: s.keyId, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt })
    .execute();
}
