/** The retention port: each step removes at most `limit` rows in one short transaction and says how many. */
export interface RetentionStore {
  /** Bodies, attachments and rendered output of contents whose messages are all finished, created before `before`. */
  pruneBodies(before: number, now: number, limit: number, dryRun: boolean): Promise<number>;
  /** Finished messages last changed before `before`, with their history (transitions, attempts) and orphaned contents. */
  pruneMessages(before: number, limit: number, dryRun: boolean): Promise<number>;
  /** Attachment blobs no content lists any more. */
  pruneBlobs(limit: number, dryRun: boolean): Promise<number>;
  /** Idempotency keys past their window. */
  pruneIdempotencyKeys(now: number, limit: number, dryRun: boolean): Promise<number>;
  /** Captured (capture inbox) messages beyond the newest `keep` of each project. */
  pruneInbox(keep: number, limit: number, dryRun: boolean): Promise<number>;
}

export interface RetentionSettings {
  /** Bodies and rendered content of finished messages are kept this long (MAILROOM_RETENTION_DAYS). */
  bodiesMs: number;
  /** Finished messages and their history are kept this long (MAILROOM_HISTORY_RETENTION_DAYS). */
  historyMs: number;
  /** Newest captured messages kept per project (MAILROOM_INBOX_KEEP). */
  inboxKeep: number;
}
