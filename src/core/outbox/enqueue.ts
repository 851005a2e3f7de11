import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import { waitingStatus } from './lifecycle.js';
import { timeOrderedId } from './time-ordered-id.js';
import type { MessageToInsert, NewMessage, OutboxStore } from './types.js';

export interface EnqueueDeps {
  store: OutboxStore;
  clock: Clock;
  events: EventBus;
  /** The domain used in Message-ID headers. */
  messageIdDomain: string;
}

/**
 * The one way into the outbox: every send path ends here. Returns once every
 * row is committed; workers take it from there.
 */
export function createEnqueue(deps: EnqueueDeps) {
  return async function enqueue(projectId: string, messages: readonly NewMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const now = deps.clock.now();
    const rows: MessageToInsert[] = messages.map((message) => {
      const id = timeOrderedId(now);
      const runAt = message.scheduledAt && message.scheduledAt > now ? message.scheduledAt : now;
      return {
        ...message,
        id,
        runAt,
        status: waitingStatus(runAt, now),
        // Fixed at acceptance so every retry of this message carries the same Message-ID.
        messageIdHeader: `<${id}@${deps.messageIdDomain}>`,
      };
    });
    await deps.store.insertMessages(projectId, rows, now);
    for (const row of rows) {
      deps.events.emit('email:status', { projectId, messageId: row.id, status: row.status, reason: null, at: now });
    }
    const due = rows.filter((row) => row.status === 'queued').length;
    if (due > 0) deps.events.emit('outbox:work', { projectId, count: due });
    return rows.map((row) => row.id);
  };
}

export type Enqueue = ReturnType<typeof createEnqueue>;
