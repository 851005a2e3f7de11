import type { Kysely } from 'kysely';
import type { RetentionStore } from '../core/retention/types.js';
import type { Database } from './schema.js';
import { pruneBlobs } from './queries/prune-blobs.js';
import { pruneBodies } from './queries/prune-bodies.js';
import { pruneIdempotencyKeys } from './queries/prune-idempotency-keys.js';
import { pruneInbox } from './queries/prune-inbox.js';
import { pruneMessages } from './queries/prune-messages.js';

/** Retention, one SQL operation per query file. */
export function createRetentionStore(db: Kysely<Database>): RetentionStore {
  return {
    pruneBodies: (before, now, limit, dryRun) => pruneBodies(db, before, now, limit, dryRun),
    pruneMessages: (before, limit, dryRun) => pruneMessages(db, before, limit, dryRun),
    pruneBlobs: (limit, dryRun) => pruneBlobs(db, limit, dryRun),
    pruneIdempotencyKeys: (now, limit, dryRun) => pruneIdempotencyKeys(db, now, limit, dryRun),
    pruneInbox: (keep, limit, dryRun) => pruneInbox(db, keep, limit, dryRun),
  };
}
