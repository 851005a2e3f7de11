/**
 * The delivery ports: what a worker needs from the queue (the outbox table) and
 * from the capture mailbox. The store implements them; the worker only sees these.
 */
import type { OutboxMessage } from '../outbox/types.js';
import type { SkipReason } from '../outbox/lifecycle.js';

/** What became of one hand-over to SMTP (or of a hand-over interrupted by a crash). */
export type AttemptOutcome = 'sent' | 'deferred' | 'bounced' | 'failed' | 'interrupted';

export interface AttemptRecord {
  attempt: number;
  startedAt: number;
  finishedAt: number | null;
  outcome: AttemptOutcome;
  smtpCode: number | null;
  enhancedCode: string | null;
  response: string | null;
}

export interface StoredAttempt extends AttemptRecord {
  messageId: string;
}

export interface ClaimRequest {
  projectId: string;
  limit: number;
  owner: string;
  now: number;
  leaseUntil: number;
}

export interface DueProject {
  projectId: string;
  topPriority: number;
}

export interface RecipientUser {
  id: string;
  primaryEmail: string | null;
  locale: string | null;
  displayName: string | null;
}

/** Content a message is handed to SMTP with (stored on the row as rendered_*). */
export interface HandOff {
  id: string;
  subject: string;
  html: string | null;
  text: string;
}

export interface RenderResults {
  skips: { id: string; reason: SkipReason }[];
  renderErrors: { id: string; reason: string }[];
  handOffs: HandOff[];
  /**
   * The text part that a content's hand-offs, coming later one at a time (recordProgress), share:
   * kept on the content now, once, instead of with each hand-off.
   */
  sharedTexts?: readonly SharedText[];
}

export interface SharedText {
  contentId: string;
  text: string;
}

export type Outcome =
  /** reason 'captured': the capture transport took it; nothing was delivered. */
  | { id: string; status: 'sent'; response: string; queueId: string | null; attempt: AttemptRecord; reason?: 'captured' }
  | { id: string; status: 'queued'; runAt: number; reason: string; attempt: AttemptRecord }
  | { id: string; status: 'server-error'; reason: string; attempt: AttemptRecord }
  /** `suppress` only for address faults; `detail` names the classification rule that applied. */
  | { id: string; status: 'bounced'; reason: string; attempt: AttemptRecord; suppress: { projectId: string; email: string; detail: string } | null };

/** One committed status change, for the 'email:status' event. */
export interface AppliedChange {
  id: string;
  projectId: string;
  status: OutboxMessage['status'];
  reason: string | null;
}

export interface RecoveredLeases {
  /** Lease expired before hand-off: safely queued again. */
  requeued: AppliedChange[];
  /** Lease expired after hand-off: it may have gone out; queued again and counted as a possible duplicate. */
  interrupted: AppliedChange[];
  /** Lease expired after hand-off with the attempt budget spent: `server-error`, not retried again. */
  gaveUp: AppliedChange[];
}

export interface DeliveryStore {
  /** Projects with due work, highest priority first. */
  dueProjects(now: number, limit: number): Promise<DueProject[]>;
  /** scheduled -> queued for rows whose run_at has passed. */
  promoteDue(now: number): Promise<AppliedChange[]>;
  /** Moves up to `limit` due rows of one project to `rendering` under the caller's lease (one statement). */
  claimDue(request: ClaimRequest): Promise<OutboxMessage[]>;
  /** The earliest time anything needs a worker: a due row or an expiring lease. */
  nextWakeAt(): Promise<number | null>;
  lookupUsers(projectId: string, ids: readonly string[]): Promise<Map<string, RecipientUser>>;
  /** The lower-cased addresses among `emails` that the project suppresses. */
  suppressedAmong(projectId: string, emails: readonly string[]): Promise<Set<string>>;
  /**
   * rendering -> skipped | render-error | sending, each a compare-and-set on status
   * and lease owner. Returns the changes that applied; a row that was paused or
   * cancelled meanwhile is simply not among them. Workers call it once per batch for
   * skips and render errors, then for small groups of hand-offs right before they go out.
   */
  finishRendering(owner: string, now: number, results: RenderResults): Promise<AppliedChange[]>;
  /**
   * What a sending worker writes as it goes, in one transaction: outcomes (sending -> sent | queued |
   * server-error | bounced, a CAS, with attempts and suppressions) and the hand-offs of finishRendering.
   */
  recordProgress(owner: string, now: number, progress: { handOffs: readonly HandOff[]; outcomes: readonly Outcome[] }): Promise<AppliedChange[]>;
  /**
   * Gives back rows this owner claimed but has not handed to SMTP (graceful shutdown, a failed batch),
   * except `keep` (batches still in hand); `reason` goes on the transition.
   */
  releaseLeases(owner: string, now: number, options?: { keep?: readonly string[]; reason?: string }): Promise<AppliedChange[]>;
  /**
   * Pushes the lease of the rows `ids` this owner still holds to `until` (batches in progress). Only
   * rows the worker knows it holds: one a lost claim reply left behind must be left to expire.
   */
  extendLeases(owner: string, until: number, ids: readonly string[]): Promise<number>;
  /** Rows whose lease expired: back to the queue, or to `server-error` once `maxAttempts` hand-offs are spent. */
  recoverExpiredLeases(now: number, maxAttempts: number): Promise<RecoveredLeases>;
  /**
   * The recovery rule applied at once to one owner's rows (a worker past its
   * shutdown deadline): `rendering` rows are queued again, `sending` rows are
   * queued again with an `interrupted` attempt (or `server-error` when the budget is spent).
   */
  interruptOwned(owner: string, now: number, maxAttempts: number): Promise<RecoveredLeases>;
  /** Token bucket shared by every process, holding at most `burst` tokens (default: one second's worth): takes up to `want`. */
  takeTokens(key: string, perSecond: number, want: number, now: number, burst?: number): Promise<{ granted: number; waitMs: number }>;
  returnTokens(key: string, perSecond: number, count: number, now: number): Promise<void>;
}

export interface CapturedMessage {
  id: string;
  projectId: string;
  outboxMessageId: string | null;
  messageIdHeader: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  subject: string | null;
  raw: string;
  createdAt: number;
}

export interface CaptureStore {
  insert(message: CapturedMessage): Promise<void>;
  list(projectId: string, options: { limit: number; before?: { createdAt: number; id: string } | undefined; to?: string | undefined }): Promise<CapturedMessage[]>;
  get(projectId: string, id: string): Promise<CapturedMessage | undefined>;
}

/** Wakes workers in other processes when work is committed (LISTEN/NOTIFY on PostgreSQL). */
export interface WorkSignal {
  /** Tells every listening process that due work exists. */
  notify(): Promise<void>;
  /** Calls `onWork` on each notification until the returned stop function is called. */
  listen(onWork: () => void): Promise<() => Promise<void>>;
}

/** Leased connection slots per SMTP relay, shared by every process (a cross-process connection cap). */
export interface ConnectionSlots {
  /** Takes a free (or expired) slot below `cap`; undefined when all are held. */
  acquire(key: string, cap: number, owner: string, now: number, leaseMs: number): Promise<number | undefined>;
  renew(key: string, slot: number, owner: string, expiresAt: number): Promise<void>;
  release(key: string, slot: number, owner: string): Promise<void>;
}
