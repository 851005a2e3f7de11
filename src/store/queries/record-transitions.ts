import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { OutboxStatus } from '../../core/outbox/lifecycle.js';

export interface TransitionRow {
  messageId: string;
  status: OutboxStatus;
  reason: string | null;
  at: number;
}

/** SQLite caps bound parameters per statement; 4 per row keeps chunks well inside it. */
const chunkSize = 2000;

/** Appends status history rows; call inside the transaction that changed the status. */
export async function recordTransitions(db: Kysely<Database>, rows: readonly TransitionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    await db
      .insertInto('outbox_transitions')
      .values(rows.slice(i, i + chunkSize).map((r) => ({ message_id: r.messageId, status: r.status, reason: r.reason, at: r.at })))
      .execute();
  }
}
