/**
 * The dev inbox as a person uses it (the console): search, delete one, clear all. The capture transport writes;
 * this only reads and removes what it wrote.
 */
import { decodeCursor, keysetPage, type CursorPosition } from '../cursor.js';
import { notFound } from '../errors.js';

export interface CapturedSummary {
  id: string;
  outboxMessageId: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  subject: string | null;
  size: number;
  createdAt: number;
}

export interface CaptureAdminStore {
  /** Newest first; `text` matches subject, sender or recipients (case-insensitive substring). */
  search(projectId: string, options: { limit: number; before?: CursorPosition | undefined; text?: string | undefined }): Promise<CapturedSummary[]>;
  /** Deletes one message, or all of the project's when `id` is undefined; returns how many. */
  remove(projectId: string, id: string | undefined): Promise<number>;
}

export function createInboxAdmin(deps: { store: CaptureAdminStore }) {
  return {
    async search(projectId: string, options: { limit: number; cursor?: string | undefined; text?: string | undefined }) {
      const before = options.cursor ? decodeCursor(options.cursor) : undefined;
      const text = options.text?.trim().toLowerCase() || undefined;
      return keysetPage(await deps.store.search(projectId, { limit: options.limit + 1, before, text }), options.limit);
    },
    async remove(projectId: string, id: string): Promise<void> {
      if ((await deps.store.remove(projectId, id)) === 0) throw notFound('captured message', id);
    },
    clear: (projectId: string) => deps.store.remove(projectId, undefined),
  };
}

export type InboxAdmin = ReturnType<typeof createInboxAdmin>;
