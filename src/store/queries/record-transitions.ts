import type { Kysely } from 'kysely';
import type { AppliedChange } from '../../core/delivery/types.js';
import { toPublicEvent } from '../../core/events/public-events.js';
import type { OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { Database } from '../schema.js';
import { appendEvents } from './append-events.js';

export interface TransitionRow {
  messageId: string;
  projectId: string;
  status: OutboxStatus;
  reason: string | null;
  at: number;
}

/**
 * Appends status history rows and, with them, the EMAIL_STATUS events (and
 * webhook deliveries) that report them. Call last inside the transaction that
 * changed the status: the change, its history and its events commit together
 * (on PostgreSQL the history and the events go in one statement: append-events.ts).
 */
export async function recordTransitions(db: Kysely<Database>, rows: readonly TransitionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await appendEvents(
    db,
    rows.map((r) => toPublicEvent('email:status', { projectId: r.projectId, messageId: r.messageId, status: r.status, reason: r.reason, at: r.at })),
    rows[0]!.at,
    rows,
  );
}

/** recordTransitions for status changes a statement just applied, all at `now`. */
export function recordChanges(db: Kysely<Database>, changes: readonly AppliedChange[], now: number): Promise<void> {
  return recordTransitions(db, changes.map((c) => ({ messageId: c.id, projectId: c.projectId, status: c.status, reason: c.reason, at: now })));
}
