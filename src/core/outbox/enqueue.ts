import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { isMailroomError } from '../errors.js';
import type { EventBus } from '../events.js';
import { groupCommit } from '../group-commit.js';
import { claimedIdempotencyKey } from '../idempotency/idempotency.js';
import type { OutboxEntry } from './query.js';
import { waitingStatus } from './lifecycle.js';
import { messageIdFor } from './message-id.js';
import { timeOrderedIds } from './time-ordered-id.js';
import type { MessageToInsert, NewMessage, OutboxStore, RecipientPart, SendSettings, SendToInsert, SharedContent } from './types.js';

export type { RecipientPart } from './types.js';

export interface EnqueueDeps {
  store: OutboxStore;
  clock: Clock;
  events: EventBus;
  /** The domain used in Message-ID headers. */
  messageIdDomain: string;
}


/** One validated request: its shared content and settings once, and a part per recipient. */
export interface Unit {
  content: SharedContent;
  send: SendSettings;
  recipients: readonly RecipientPart[];
}

/** A unit as committed: the content with its id, and each message as inserted. */
export interface CommittedUnit extends SendToInsert {
  at: number;
}

/** A commit waiting for its group: one request's units, or why they failed. */
type Outcome = { units: CommittedUnit[] } | { error: unknown };

/**
 * The commit under every send path (accept.ts): ids, first status and the
 * Message-ID domain are given here, contents and messages go to the store in one
 * transaction. Returns once everything is committed; workers take it from there.
 *
 * Commits that arrive together (concurrent HTTP requests, messages finishing on
 * several SMTP connections) share one transaction per project (groupCommit): the
 * per-transaction cost (BEGIN/COMMIT, on PostgreSQL a dozen round trips, on
 * SQLite the index pages written to the WAL once) is paid once for the group,
 * while each caller still returns only once its own rows are committed.
 * - A commit under an Idempotency-Key runs alone: its key is marked `committed`
 *   in the transaction of its own messages, never in a neighbour's.
 * - If a group fails as a whole for another reason than the database being away
 *   (a bug one request trips), each of its requests is tried on its own, so one
 *   cannot fail its neighbours; a database that is away fails them all at once.
 */
export function createEnqueue(deps: EnqueueDeps) {
  /** One transaction for these units of one project, `key` marked committed in it. */
  async function write(projectId: string, units: readonly Unit[], key?: string): Promise<CommittedUnit[]> {
    const now = deps.clock.now();
    const committed: CommittedUnit[] = units.map((unit) => {
      const runAt = unit.send.scheduledAt && unit.send.scheduledAt > now ? unit.send.scheduledAt : now;
      // Ascending ids of one millisecond follow the request's order, so the first recipient (who
      // carries cc and bcc) has the smallest id and stands for the send (sends.ts).
      const ids = timeOrderedIds(now, unit.recipients.length);
      return {
        at: now,
        content: { ...unit.content, id: randomUUID() },
        send: unit.send,
        status: waitingStatus(runAt, now),
        runAt,
        messageIdDomain: deps.messageIdDomain,
        messages: unit.recipients.map((p, i) => ({ id: ids[i]!, recipient: p.recipient, recipientName: p.recipientName, cc: p.cc, bcc: p.bcc, locale: p.locale })),
      };
    });
    const sends = committed.filter((c) => c.messages.length > 0);
    if (sends.length === 0) return committed;
    await deps.store.insertMessages(projectId, sends, now, key);
    let due = 0;
    for (const unit of sends) {
      for (const m of unit.messages) deps.events.emit('email:status', { projectId, messageId: m.id, status: unit.status, reason: null, at: now });
      if (unit.status === 'queued') due += unit.messages.length;
    }
    if (due > 0) deps.events.emit('outbox:work', { projectId, count: due });
    return committed;
  }

  /** The requests of one project in one transaction, each given back its own units. */
  async function together(projectId: string, requests: ReadonlyArray<readonly Unit[]>): Promise<Outcome[]> {
    try {
      const all = await write(projectId, requests.flat());
      let next = 0;
      return requests.map((units) => ({ units: all.slice(next, (next += units.length)) }));
    } catch (error) {
      const unavailable = isMailroomError(error) && error.kind === 'unavailable';
      if (requests.length === 1 || unavailable) return requests.map(() => ({ error }));
      const outcomes: Outcome[] = [];
      for (const units of requests) outcomes.push(await write(projectId, units).then((alone) => ({ units: alone }), (alone: unknown) => ({ error: alone })));
      return outcomes;
    }
  }

  const grouped = groupCommit(async (items: ReadonlyArray<{ projectId: string; units: readonly Unit[] }>): Promise<Outcome[]> => {
    const outcomes = new Array<Outcome>(items.length);
    const byProject = new Map<string, number[]>();
    items.forEach((item, i) => {
      const indexes = byProject.get(item.projectId);
      if (indexes) indexes.push(i);
      else byProject.set(item.projectId, [i]);
    });
    for (const [projectId, indexes] of byProject) {
      const results = await together(projectId, indexes.map((i) => items[i]!.units));
      results.forEach((outcome, k) => (outcomes[indexes[k]!] = outcome));
    }
    return outcomes;
  });

  return async function commit(projectId: string, units: readonly Unit[]): Promise<CommittedUnit[]> {
    const key = claimedIdempotencyKey();
    if (key !== undefined) return write(projectId, units, key);
    const outcome = await grouped({ projectId, units });
    if ('error' in outcome) throw outcome.error;
    return outcome.units;
  };
}

export type Enqueue = ReturnType<typeof createEnqueue>;

/** A committed message as the read APIs show it, built from what was written (no read-back query). */
export function committedEntry(unit: CommittedUnit, m: MessageToInsert, projectId: string): OutboxEntry {
  const c = unit.content;
  const s = unit.send;
  return {
    id: m.id,
    contentId: c.id,
    projectId,
    source: s.source,
    batchId: s.batchId,
    status: unit.status,
    skipReason: null,
    lastError: null,
    isPaused: false,
    priority: s.priority,
    transactional: s.transactional,
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
    runAt: unit.runAt,
    scheduledAt: s.scheduledAt,
    attempts: 0,
    handedOffAt: null,
    messageIdHeader: s.messageIdHeader ?? messageIdFor(m.id, unit.messageIdDomain),
    smtpResponse: null,
    smtpQueueId: null,
    sentAt: null,
    createdAt: unit.at,
    updatedAt: unit.at,
    transitions: [{ status: unit.status, reason: null, at: unit.at }],
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
    send: {
      source: m.source,
      batchId: m.batchId ?? null,
      priority: m.priority ?? 0,
      transactional: m.transactional ?? true,
      scheduledAt: m.scheduledAt ?? null,
      messageIdHeader: null,
    },
    recipients: [{ recipient: m.recipient, recipientName: m.recipientName ?? null, cc: m.cc ?? [], bcc: m.bcc ?? [], locale: m.locale ?? null }],
  };
}
