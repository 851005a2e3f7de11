import { decodeCursor, keysetPage } from '../cursor.js';
import { notFound } from '../errors.js';
import type { CaptureStore, CapturedMessage } from './types.js';

/** The capture inbox: what the capture transport "sent", newest first. */
export function createInboxService(deps: { store: CaptureStore }) {
  return {
    async list(projectId: string, options: { limit: number; cursor?: string | undefined; to?: string | undefined }) {
      const before = options.cursor ? decodeCursor(options.cursor) : undefined;
      const rows = await deps.store.list(projectId, { limit: options.limit + 1, before, to: options.to });
      return keysetPage(rows, options.limit);
    },
    async get(projectId: string, id: string): Promise<CapturedMessage> {
      const found = await deps.store.get(projectId, id);
      if (!found) throw notFound('captured message', id);
      return found;
    },
  };
}

export type InboxService = ReturnType<typeof createInboxService>;
