import type { NewPublicEvent, StoredEvent } from './public-events.js';

/** The persisted event log: the retention window a reconnecting client resumes from. */
export interface EventLog {
  /**
   * Inserts events that report no change of their own (changes write theirs in
   * their own transaction), with one webhook delivery per subscribed endpoint.
   */
  append(events: readonly NewPublicEvent[], now: number): Promise<void>;
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

/**
 * Cross-process relay: events committed by any process (this one included)
 * reach this one, in id order, each once. Events are written by the store in
 * the transaction of the change they report; the feed only reads them.
 */
export interface EventFeed {
  /** Resolves once following the log from its current end; `onEvents` then gets every event committed after. */
  start(onEvents: (events: StoredEvent[]) => void): Promise<void>;
  /** This process just committed events: look now rather than at the next poll (where the feed polls). */
  poke(): void;
  /** Resolves once every event committed before the call has been handed to `onEvents`. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}
