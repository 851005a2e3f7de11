import type { Kysely } from 'kysely';
import type { StoredSession } from '../../core/auth/console-sessions.js';
import type { KeyKind } from '../../core/auth/permissions.js';
import { parseJson } from '../json.js';
import type { Database } from '../schema.js';

/** A session with its key as it stands now (one round trip per console request). */
export async function findSession(db: Kysely<Database>, tokenHash: string): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('console_sessions as s')
    .innerJoin('api_keys as k', 'k.id', 's.key_id')
    .select(['s.project_id', 's.key_id', 's.last_seen_at', 's.expires_at', 'k.kind', 'k.permissions', 'k.revoked_at'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    projectId: row.project_id,
    keyId: row.key_id,
    keyKind: row.kind as KeyKind,
    permissions: parseJson<string[]>(row.permissions, []),
    keyRevoked: row.revoked_at !== null,
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
  };
}
