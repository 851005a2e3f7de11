import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventBus } from '../events.js';
import { claimedIdempotencyKey } from '../idempotency/idempotency.js';
import type { OutboxEntry } from './query.js';
import { waitingStatus } from './lifecycle.js';
import { timeOrderedId } from './time-ordered-id.js';
import type { ContentToInsert, MessageToInsert, NewMessage, OutboxStore, RecipientPart, SharedContent } from './types.js';

export type { RecipientPart } from './types.js';

export interface EnqueueDeps {
  store: OutboxStore;
  clock: Clock;
  events: EventBus;
  /** The domain used in Message-ID headers. */
  messageIdDomain: string;
}


/** One validated request: its shared content once, and a message per recipient. */
export interface Unit {
  content: SharedContent;
  recipients: readonly RecipientPart[];
}

/** A unit as committed: the content with its id, and each message as inserted. */
export interface CommittedUnit {
  content: ContentToInsert;
  messages: MessageToInsert[];
  at: number;
}

/**
 * The commit under every send path (accept.ts): ids, first status and
 * Message-ID are given here, contents and messages go to the store in one
 * transaction. Returns once everything is committed; workers take it from there.
 */
export function createEnqueue(deps: EnqueueDeps) {
  return async function commit(projectId: string, units: readonly Unit[]): Promise<CommittedUnit[]> {
    const now = deps.clock.now();
    const committed: CommittedUnit[] = units.map((unit) => ({
      at: now,
      content: { ...unit.content, id: randomUUID() },
      messages: [],
    }));
    units.forEach((unit, u) => {
      const contentId = committed[u]!.content.id;
      // Ids of one millisecond differ only in random bits: sorted, they follow the request's order, so the
      // first recipient (who carries cc and bcc) has the smallest id and stands for the send (sends.ts).
      const ids = unit.recipients.map(() => timeOrderedId(now)).sort();
      for (const [index, part] of unit.recipients.entries()) {
        const id = ids[index]!;
        const runAt = part.scheduledAt && part.scheduledAt > now ? part.scheduledAt : now;
        committed[u]!.messages.push({
          ...part,
          id,
          contentId,
          runAt,
          status: waitingStatus(runAt, now),
          // Fixed at acceptance so every retry of this message carries the same Message-ID.
          messageIdHeader: part.messageIdHeader ?? `<${id}@${deps.messageIdDomain}>`,
        });
      }
    });
    const messages = committed.flatMap((c) => c.messages);
    if (messages.length === 0) return committed;
    const contents = committed.filter((c) => c.messages.length > 0).map((c) => c.content);
    await deps.store.insertMessages(projectId, contents, messages, now, claimedIdempotencyKey());
    let due = 0;
    for (const row of messages) {
      deps.events.emit('email:status', { projectId, messageId: row.id, status: row.status, reason: null, at: now });
      if (row.status === 'queued') due++;
    }
    if (due > 0) deps.events.emit('outbox:work', { projectId, count: due });
    return committed;
  };
}

export type Enqueue = ReturnType<typeof createEnqueue>;

/** A committed message as the read APIs show it, built from what was written (no read-back query). */
export function committedEntry(unit: CommittedUnit, m: MessageToInsert, projectId: string): OutboxEntry {
  const c = unit.content;
  return {
    id: m.id,
    contentId: c.id,
    projectId,
    source: m.source,
    batchId: m.batchId,
    status: m.status,
    skipReason: null,
    lastError: null,
    isPaused: false,
    priority: m.priority,
    transactional: m.transactional,
    recipientUserId: 'userId' in m.recipient ? m.recipient.userId : null,
    recipientEmail: 'email' in m.recipient ? m.recipient.email : null,
    recipientName: m.recipientName,
    from: c.from,
    replyTo: c.replyTo,
    cc: m.cc,
    bcc: m.bcc,
    subject: c.subject,
    html: c.html,
    text: c.text,
    templateId: c.templateId,
    variables: c.variables ?? {},
    draftId: c.draftId,
    headers: c.headers ?? {},
    tags: c.tags ?? {},
    attachments: c.attachments ?? [],
    locale: m.locale,
    renderedSubject: null,
    renderedHtml: null,
    renderedText: null,
    runAt: m.runAt,
    scheduledAt: m.scheduledAt,
    attempts: 0,
    handedOffAt: null,
    messageIdHeader: m.messageIdHeader,
    smtpResponse: null,
    smtpQueueId: null,
    sentAt: null,
    createdAt: unit.at,
    updatedAt: unit.at,
    transitions: [{ status: m.status, reason: null, at: unit.at }],
    deliveryAttempts: [],
  };
}

/** A message already in per-recipient form (tests, tools) as a unit of its own. */
export function unitOf(m: NewMessage): Unit {
  return {
    content: {
      from: m.from ?? null,
      replyTo: m.replyTo ?? null,
      subject: m.subject ?? null,
      html: m.html ?? null,
      text: m.text ?? null,
      templateId: m.templateId ?? null,
      variables: m.variables ?? null,
      draftId: m.draftId ?? null,
      headers: m.headers ?? null,
      tags: m.tags ?? null,
      attachments: m.attachments ?? null,
    },
    recipients: [
      {
        source: m.source,
        batchId: m.batchId ?? null,
        recipient: m.recipient,
        recipientName: m.recipientName ?? null,
        cc: m.cc ?? [],
        bcc: m.bcc ?? [],
        locale: m.locale ?? null,
        priority: m.priority ?? 0,
        transactional: m.transactional ?? true,
        scheduledAt: m.scheduledAt ?? null,
      },
    ],
  };
}
