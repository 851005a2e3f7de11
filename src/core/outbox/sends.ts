/**
 * Sends as Resend's API sees them: one email id for everything one request sent, however many `to`
 * addresses it named. Mailroom keeps one message per recipient (sharing one content row); the message
 * with the smallest id stands for the send, so reading, listing, rescheduling and cancelling by that
 * id act on every recipient's message. Only messages from the given source are grouped: a send made
 * through another family (a broadcast to thousands) stays one message per id there.
 */
import { isMailroomError, type MailroomError } from '../errors.js';
import type { CursorPosition } from '../cursor.js';
import type { OutboxAdminStore } from './admin-types.js';
import type { EditRequest, OutboxEditor } from './edit.js';
import type { OutboxQueries } from './query.js';
import type { OutboxMessage } from './types.js';

export interface Send {
  /** The id that stands for the send: its first message's. */
  id: string;
  /** Every recipient's message, in id order (the first carries cc and bcc). */
  messages: OutboxMessage[];
}

/** The id that stands for a send just accepted: its smallest message id (what `Send.id` answers later). */
export function sendIdOf(ids: readonly string[]): string {
  return ids.reduce((a, b) => (b < a ? b : a));
}

/** More than any one request may name (Resend's 50 `to`), so a send is read whole. */
const maxPerSend = 1000;

const byId = (a: OutboxMessage, b: OutboxMessage) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function createSends(deps: { admin: OutboxAdminStore; queries: OutboxQueries; editor: OutboxEditor; source: string }) {
  /** The messages of these sends, grouped by content, each group in id order. */
  async function siblings(projectId: string, messages: readonly OutboxMessage[]): Promise<Map<string, OutboxMessage[]>> {
    const contentIds = [...new Set(messages.filter((m) => m.source === deps.source).map((m) => m.contentId))];
    const groups = new Map<string, OutboxMessage[]>();
    if (contentIds.length === 0) return groups;
    const rows = await deps.admin.listMessages(projectId, { contentIds }, { limit: maxPerSend * contentIds.length });
    for (const row of rows) groups.set(row.contentId, [...(groups.get(row.contentId) ?? []), row]);
    for (const group of groups.values()) group.sort(byId);
    return groups;
  }

  function sendOf(message: OutboxMessage, groups: Map<string, OutboxMessage[]>): Send {
    const messages = message.source === deps.source ? (groups.get(message.contentId) ?? [message]) : [message];
    return { id: messages[0]!.id, messages };
  }

  async function get(projectId: string, id: string): Promise<Send> {
    const message = await deps.queries.get(projectId, id);
    return sendOf(message, await siblings(projectId, [message]));
  }

  return {
    /** The send a message id belongs to (any of its messages' ids finds it). */
    get,

    /**
     * A page of sends, newest first: older than `before` (the usual direction), or the page just newer
     * than `after`. `hasMore` tells whether more lie further in the direction read.
     */
    async list(projectId: string, limit: number, position: { olderThan?: CursorPosition; newerThan?: CursorPosition }): Promise<{ sends: Send[]; hasMore: boolean }> {
      const rows = await deps.admin.listMessages(
        projectId,
        { oncePerSendOf: deps.source },
        { limit: limit + 1, ...(position.olderThan ? { before: position.olderThan } : {}), ...(position.newerThan ? { after: position.newerThan } : {}) },
      );
      const page = rows.slice(0, limit);
      // Newer pages are read oldest first (so the page touches the cursor); shown newest first like every page.
      if (position.newerThan) page.reverse();
      const groups = await siblings(projectId, page);
      return { sends: page.map((m) => sendOf(m, groups)), hasMore: rows.length > limit };
    },

    /**
     * Applies an edit (reschedule, cancel) to every message of the send that can still take it. Refused
     * only when none could: then the first message's error is the answer.
     */
    async edit(projectId: string, id: string, request: EditRequest): Promise<Send> {
      const send = await get(projectId, id);
      let firstError: MailroomError | undefined;
      let edited = 0;
      for (const message of send.messages) {
        try {
          await deps.editor.edit(projectId, message.id, request);
          edited++;
        } catch (error) {
          if (!isMailroomError(error) || error.kind === 'internal') throw error;
          firstError ??= error;
        }
      }
      if (edited === 0) throw firstError!;
      return send;
    },
  };
}

export type Sends = ReturnType<typeof createSends>;
