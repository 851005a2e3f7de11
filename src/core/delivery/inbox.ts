import { invalidField, notFound } from '../errors.js';
import type { CaptureStore, CapturedMessage } from './types.js';

function encodeCursor(m: CapturedMessage): string {
  return Buffer.from(`${m.createdAt}:${m.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(/:(.*)/s);
  if (!at || !id || !/^\d+$/.test(at)) throw invalidField('cursor', 'is not a cursor this endpoint returned');
  return { createdAt: Number(at), id };
}

/** The capture inbox: what the capture transport "sent", newest first. */
export function createInboxService(deps: { store: CaptureStore }) {
  return {
    async list(projectId: string, options: { limit: number; cursor?: string | undefined; to?: string | undefined }) {
      const before = options.cursor ? decodeCursor(options.cursor) : undefined;
      const rows = await deps.store.list(projectId, { limit: options.limit + 1, before, to: options.to });
      const items = rows.slice(0, options.limit);
      return { items, nextCursor: rows.length > options.limit ? encodeCursor(items[items.length - 1]!) : null };
    },
    async get(projectId: string, id: string): Promise<CapturedMessage> {
      const found = await deps.store.get(projectId, id);
      if (!found) throw notFound('captured message', id);
      return found;
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
