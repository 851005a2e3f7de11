import type { NewPublicEvent, StoredEvent } from './public-events.js';

/** The persisted event log: the retention window a reconnecting client resumes from. */
export interface EventLog {
  /**
   * Inserts the events in order and, in the same transaction, one webhook
   * delivery per enabled endpoint subscribed to each event's topic. Where the
   * engine relays across processes, the ids are announced on commit.
   */
  append(events: readonly NewPublicEvent[], now: number): Promise<StoredEvent[]>;
  readByIds(ids: readonly number[]): Promise<StoredEvent[]>;
  /** A project's events with id > afterId, oldest first. */
  readAfter(projectId: string, afterId: number, limit: number): Promise<StoredEvent[]>;
  /** Every project's events with id > afterId, oldest first (a relay catching up). */
  readSince(afterId: number, limit: number): Promise<StoredEvent[]>;
  /** The largest id held (undefined when the log is empty). */
  latestId(): Promise<number | undefined>;
  /** The smallest id still held (undefined when the log is empty). */
  oldestId(): Promise<number | undefined>;
  /** Deletes events created before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

/** Cross-process relay: events appended by any process reach this one. */
export interface EventFeed {
  /** Resolves once listening; `onEvents` then gets every event any process appends, including this one's. */
  start(onEvents: (events: StoredEvent[]) => void): Promise<void>;
  stop(): Promise<void>;
}
