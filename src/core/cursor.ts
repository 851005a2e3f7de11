/**
 * Keyset cursors for lists ordered by (createdAt, id) — outbox, users, capture inbox: the last item's
 * (createdAt, id), opaque to clients. A cursor this service did not hand out is a 400
 * naming `query.cursor`, never a silent first page.
 */
import { invalidField } from './errors.js';

export interface CursorPosition {
  createdAt: number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${position.createdAt}:${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(/:(.*)/s);
  if (!at || !id || !/^\d{1,16}$/.test(at)) throw invalidField('query.cursor', 'is not a cursor this endpoint returned');
  return { createdAt: Number(at), id };
}

/** One page from `limit + 1` rows: the extra row only tells that another page exists. */
export function keysetPage<T extends CursorPosition>(rows: readonly T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}
