/**
 * What happened to the mail: the sink's copies against the messages the API
 * acknowledged and the rows in the database.
 */
import { openEngine } from '../../src/store/index.js';
import type { SmtpSink } from '../../test/support/smtp-sink.js';

export interface MailOutcome {
  accepted: number;
  receivedUnique: number;
  /** Extra copies received (a message received 3 times counts 2). */
  duplicates: number;
  /** Of the extra copies, how many belong to a message with an `interrupted` attempt explaining them. */
  duplicatesExplained: number;
  /** Acknowledged, not received, and finished (or missing from the database). */
  lost: number;
  /** Acknowledged and still not in a final status. */
  stuck: number;
  /** Rows by status, for the acknowledged messages. */
  statuses: Record<string, number>;
}

/** `<id@domain>` -> outbox id. */
export const outboxIdOf = (messageId: string | null) => (messageId ? /^<([^@>]+)@/.exec(messageId)?.[1] : undefined);

export function receivedCounts(sink: SmtpSink): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of sink.received) {
    const id = outboxIdOf(r.messageId);
    if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

/** Waits until every accepted message reached the sink; returns the time it took, or null at the deadline. */
export async function waitForDrain(sink: SmtpSink, accepted: readonly string[], timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const seen = receivedCounts(sink);
    if (accepted.every((id) => seen.has(id))) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

const finalStatuses = new Set(['sent', 'delivered', 'bounced', 'skipped', 'render-error', 'server-error', 'delivery-delayed']);

export async function mailOutcome(databaseUrl: string, sink: SmtpSink, accepted: readonly string[]): Promise<MailOutcome & { logEventIds: number[] }> {
  const engine = await openEngine(databaseUrl);
  try {
    const seen = receivedCounts(sink);
    const rows = new Map<string, string>();
    for (let i = 0; i < accepted.length; i += 500) {
      const chunk = accepted.slice(i, i + 500);
      for (const r of await engine.db.selectFrom('outbox_messages').select(['id', 'status']).where('id', 'in', chunk).execute()) rows.set(r.id, r.status);
    }
    const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    const interrupted = new Set<string>();
    for (let i = 0; i < duplicated.length; i += 500) {
      const chunk = duplicated.slice(i, i + 500);
      const found = await engine.db.selectFrom('delivery_attempts').select('message_id').where('message_id', 'in', chunk).where('outcome', '=', 'interrupted').execute();
      for (const f of found) interrupted.add(f.message_id);
    }
    const statuses: Record<string, number> = {};
    let lost = 0;
    let stuck = 0;
    for (const id of accepted) {
      const status = rows.get(id) ?? 'missing';
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (seen.has(id)) continue;
      if (finalStatuses.has(status) || status === 'missing') lost++;
      else stuck++;
    }
    const project = accepted[0] ? (await engine.db.selectFrom('outbox_messages').select('project_id').where('id', '=', accepted[0]).executeTakeFirst())?.project_id : undefined;
    const logEventIds = project
      ? (await engine.db.selectFrom('events').select('id').where('project_id', '=', project).orderBy('id').execute()).map((e) => Number(e.id))
      : [];
    return {
      accepted: accepted.length,
      receivedUnique: [...seen.keys()].filter((id) => rows.has(id)).length,
      duplicates: [...seen.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      // Copies, like `duplicates` (a message dropped after its final dot twice arrives three times: two explained copies).
      duplicatesExplained: duplicated.filter((id) => interrupted.has(id)).reduce((sum, id) => sum + seen.get(id)! - 1, 0),
      lost,
      stuck,
      statuses,
      logEventIds,
    };
  } finally {
    await engine.close();
  }
}
