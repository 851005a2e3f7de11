import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function touchSession(db: Kysely<Database>, tokenHash: string, lastSeenAt: number, expiresAt: number): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('token_hash', '=', tokenHash).execute();
}
