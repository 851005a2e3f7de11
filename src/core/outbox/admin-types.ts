/** The outbox as the management APIs see it: listing, history, and compare-and-set edits. */
import type { OutboxStatus, SkipReason } from './lifecycle.js';
import type { OutboxMessage } from './types.js';

export interface OutboxFilter {
  statuses?: readonly OutboxStatus[];
  /** Exact sender address (as stored, normalised). */
  from?: string;
  /** Exact recipient address, normalised as stored (ASCII domain in lower case). */
  to?: string;
  /** Only the messages of these shared contents (the recipients of these sends). */
  contentIds?: readonly string[];
  /**
   * Messages from this source are listed once per send (the one with the smallest id, which stands for
   * the send); messages from other sources are each listed.
   */
  oncePerSendOf?: string;
}

export interface OutboxPage {
  limit: number;
  offset?: number;
  /** Keyset: rows strictly older than this (createdAt, id). */
  before?: { createdAt: number; id: string };
  /** Keyset the other way: rows strictly newer than this, the oldest of them first. */
  after?: { createdAt: number; id: string };
}

export interface Transition {
  status: OutboxStatus;
  reason: string | null;
  at: number;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  outcome: string;
  smtpCode: number | null;
  enhancedCode: string | null;
  response: string | null;
}

export interface MessageHistory {
  transitions: Transition[];
  deliveryAttempts: DeliveryAttempt[];
}

/** Fields an edit may change. Content edits drop any rendered copy so the worker renders again. */
export interface MessagePatch {
  subject?: string;
  html?: string;
  /** The body replaces template content. */
  clearTemplate?: boolean;
  runAt?: number;
  scheduledAt?: number | null;
  isPaused?: boolean;
  skipReason?: SkipReason | null;
  clearRendered?: boolean;
  /** A fresh SMTP attempt budget (the attempt history is kept). */
  resetAttempts?: boolean;
}

export interface OutboxAdminStore {
  listMessages(projectId: string, filter: OutboxFilter, page: OutboxPage): Promise<OutboxMessage[]>;
  countMessages(projectId: string, filter: OutboxFilter): Promise<number>;
  histories(messageIds: readonly string[]): Promise<Map<string, MessageHistory>>;
  /**
   * Compare-and-set: applies the patch (and the status change, recorded as a
   * transition in the same transaction) only while the row is in one of
   * `expected`. Undefined when the row is gone or moved on.
   */
  updateIf(
    projectId: string,
    id: string,
    expected: readonly OutboxStatus[],
    patch: MessagePatch,
    change: { status: OutboxStatus; reason: string | null } | null,
    now: number,
  ): Promise<OutboxMessage | undefined>;
}
