/**
 * The console's read side of the outbox: summary rows with the filters a person
 * uses (recipient, source, batch, time window), and the figures of the overview.
 * Reads only; every change still goes through the editor and send use-cases.
 */
import { decodeCursor, encodeCursor, keysetPage, type CursorPosition } from '../cursor.js';
import { invalidField } from '../errors.js';
import { parseMailbox } from './address.js';
import { outboxStatuses, simpleStatus, type OutboxStatus, type SimpleStatus, type SkipReason } from './lifecycle.js';

/** What a list row shows: no bodies, so a page of 50 stays small. */
export interface OutboxSummary {
  id: string;
  status: OutboxStatus;
  skipReason: SkipReason | null;
  source: string;
  batchId: string | null;
  recipientEmail: string | null;
  recipientUserId: string | null;
  from: string | null;
  subject: string | null;
  templateId: string | null;
  attempts: number;
  scheduledAt: number | null;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface BrowseFilter {
  statuses?: readonly OutboxStatus[];
  /** The start of the recipient address, lower-cased (an index range on both engines, however many messages). */
  recipient?: string;
  /** A whole address, normalised as stored (uses the recipient index). */
  recipientAddress?: string;
  source?: string;
  batchId?: string;
  createdFrom?: number;
  createdTo?: number;
}

export interface OverviewFigures {
  byStatus: { status: OutboxStatus; count: number }[];
  /** Messages created per hour bucket over the window, by simple status. */
  timeline: { bucketStart: number; inProgress: number; ok: number; error: number }[];
  /** Messages waiting for a worker (scheduled or queued, due now). */
  queueDepth: number;
  oldestDueAt: number | null;
  suppressions: { reason: string; count: number }[];
  /** Handed-off latency (created -> sent) over the window, in ms. */
  latency: { count: number; p50: number | null; p95: number | null };
}

export interface OutboxBrowseStore {
  /** Newest first; `before` pages towards older messages, `after` back towards the newest. */
  list(projectId: string, filter: BrowseFilter, limit: number, position?: { before: CursorPosition } | { after: CursorPosition }): Promise<OutboxSummary[]>;
  overview(projectId: string, window: { from: number; to: number; bucketMs: number; now: number }): Promise<OverviewFigures>;
}

export interface BrowseQuery {
  status?: string;
  simpleStatus?: string;
  recipient?: string;
  source?: string;
  batchId?: string;
  /** Epoch ms. */
  from?: number;
  to?: number;
}

/** A whole address matches exactly (as stored: ASCII domain in lower case); anything else is the start of an address. */
function recipientFilter(text: string | undefined): Pick<BrowseFilter, 'recipient' | 'recipientAddress'> {
  if (!text) return {};
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) {
    try {
      return { recipientAddress: parseMailbox('recipient', text).address };
    } catch {
      // not a valid address after all: search for the text
    }
  }
  return { recipient: text.toLowerCase() };
}

function toFilter(query: BrowseQuery): BrowseFilter {
  let statuses: OutboxStatus[] | undefined;
  if (query.status) {
    if (!(outboxStatuses as readonly string[]).includes(query.status)) throw invalidField('status', `must be one of ${outboxStatuses.join(', ')}`);
    statuses = [query.status as OutboxStatus];
  }
  if (query.simpleStatus) {
    const matching = outboxStatuses.filter((s) => simpleStatus(s) === (query.simpleStatus as SimpleStatus));
    if (matching.length === 0) throw invalidField('simple_status', 'must be in-progress, ok or error');
    statuses = statuses ? statuses.filter((s) => matching.includes(s)) : matching;
  }
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) throw invalidField('to', 'must not be before from');
  return {
    ...(statuses ? { statuses } : {}),
    ...recipientFilter(query.recipient?.trim()),
    ...(query.source ? { source: query.source } : {}),
    ...(query.batchId ? { batchId: query.batchId } : {}),
    ...(query.from !== undefined ? { createdFrom: query.from } : {}),
    ...(query.to !== undefined ? { createdTo: query.to } : {}),
  };
}

export function createOutboxBrowser(deps: { store: OutboxBrowseStore; now: () => number }) {
  return {
    /**
     * One page, newest first. `cursor` (from nextCursor) pages to older messages; `newer` (from
     * newerCursor) pages back. newerCursor is null on the newest page.
     */
    async list(projectId: string, query: BrowseQuery, limit: number, cursor?: string, newer?: string): Promise<{ items: OutboxSummary[]; nextCursor: string | null; newerCursor: string | null }> {
      const filter = toFilter(query);
      if (newer) {
        const rows = await deps.store.list(projectId, filter, limit + 1, { after: decodeCursor(newer) });
        if (rows.length > limit) {
          // The extra row is the newest one fetched; the page is the `limit` rows next to the cursor.
          const items = rows.slice(1);
          return { items, nextCursor: encodeCursor(items[items.length - 1]!), newerCursor: encodeCursor(items[0]!) };
        }
        // Back at the newest end: that is the first page, whole.
      }
      const older = cursor && !newer ? decodeCursor(cursor) : undefined;
      const page = keysetPage(await deps.store.list(projectId, filter, limit + 1, older ? { before: older } : undefined), limit);
      return { ...page, newerCursor: older && page.items[0] ? encodeCursor(page.items[0]) : null };
    },
    /** The last `hours` hours, in hour buckets. */
    overview(projectId: string, hours = 24): Promise<OverviewFigures> {
      const now = deps.now();
      const bucketMs = 3600_000;
      const to = Math.ceil(now / bucketMs) * bucketMs;
      return deps.store.overview(projectId, { from: to - hours * bucketMs, to, bucketMs, now });
    },
  };
}

export type OutboxBrowser = ReturnType<typeof createOutboxBrowser>;
