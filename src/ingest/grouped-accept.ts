/**
 * How SMTP ingest hands messages to the accept use-case: those that finish
 * arriving together (on several connections) are committed together, one
 * accept and one transaction per project instead of one per message, each
 * message still answered only once its own rows are committed (groupCommit).
 *
 * A message the use-case refuses fails alone. If a group fails as a whole for
 * another reason than the database being away (a bug one message trips), each
 * of its messages is tried on its own, so one message cannot fail its
 * neighbours'. A database that is away fails them all at once (451 each).
 *
 * Messages with an Idempotency-Key are not grouped (`alone`): the key is marked
 * committed in the transaction of its own messages (core/outbox/enqueue.ts
 * reads it from the request's async context), so a group must never run inside
 * one; grouped calls come from unkeyed messages only.
 */
import { isMailroomError } from '../core/errors.js';
import { groupCommit } from '../core/group-commit.js';
import type { AcceptRequest, ItemResult } from '../core/outbox/accept.js';

type AcceptEach = (projectId: string, requests: readonly AcceptRequest[]) => Promise<ItemResult[]>;

/** What became of one message: the ids committed, or why it was refused (a MailroomError) or failed. */
type Outcome = { ids: string[] } | { error: unknown };

interface Item {
  projectId: string;
  request: AcceptRequest;
}

function idsOf(outcome: Outcome): string[] {
  if ('error' in outcome) throw outcome.error;
  return outcome.ids;
}

export function createGroupedAccept(acceptEach: AcceptEach) {
  async function together(projectId: string, requests: readonly AcceptRequest[]): Promise<Outcome[]> {
    const results = await acceptEach(projectId, requests);
    return results.map((r) => ('error' in r ? { error: r.error } : { ids: r.accepted.ids }));
  }

  async function oneProject(projectId: string, requests: readonly AcceptRequest[]): Promise<Outcome[]> {
    try {
      return await together(projectId, requests);
    } catch (error) {
      const unavailable = isMailroomError(error) && error.kind === 'unavailable';
      if (requests.length === 1 || unavailable) return requests.map(() => ({ error }));
      const outcomes: Outcome[] = [];
      for (const request of requests) {
        outcomes.push(await together(projectId, [request]).then((r) => r[0]!, (alone: unknown) => ({ error: alone })));
      }
      return outcomes;
    }
  }

  const grouped = groupCommit(async (items: readonly Item[]): Promise<Outcome[]> => {
    const outcomes = new Array<Outcome>(items.length);
    const byProject = new Map<string, number[]>();
    items.forEach((item, i) => {
      const indexes = byProject.get(item.projectId);
      if (indexes) indexes.push(i);
      else byProject.set(item.projectId, [i]);
    });
    for (const [projectId, indexes] of byProject) {
      const results = await oneProject(projectId, indexes.map((i) => items[i]!.request));
      results.forEach((outcome, k) => (outcomes[indexes[k]!] = outcome));
    }
    return outcomes;
  });

  return {
    /** Commits the message with others received meanwhile; resolves to its outbox ids once they are committed. */
    async grouped(projectId: string, request: AcceptRequest): Promise<string[]> {
      return idsOf(await grouped({ projectId, request }));
    },
    /** Commits the message in a transaction of its own (a keyed message); resolves to its outbox ids. */
    async alone(projectId: string, request: AcceptRequest): Promise<string[]> {
      return idsOf((await together(projectId, [request]))[0]!);
    },
  };
}
