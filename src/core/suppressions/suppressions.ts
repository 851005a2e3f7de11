import type { Clock } from '../clock.js';
import { invalidField, notFound } from '../errors.js';
import type { Suppression, SuppressionReason, SuppressionStore } from './types.js';

/** Addresses compare case-insensitively: one entry per lower-cased address. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const looksLikeEmail = (email: string) => /^[^\s@]+@[^\s@]+$/.test(email) && email.length <= 320;

/**
 * Addresses a project no longer sends to: hard bounces, one-click unsubscribes and
 * manual entries. The worker skips them as `suppressed` until they are removed here.
 */
export function createSuppressionService(deps: { store: SuppressionStore; clock: Clock }) {
  return {
    async list(projectId: string, options: { limit: number; cursor?: string | undefined }) {
      const items = await deps.store.list(projectId, { limit: options.limit + 1, after: options.cursor });
      const page = items.slice(0, options.limit);
      return { items: page, nextCursor: items.length > options.limit ? page[page.length - 1]!.email : null };
    },

    async add(projectId: string, input: { email: string; reason?: SuppressionReason; detail?: string | null }): Promise<Suppression> {
      const email = normalizeEmail(input.email);
      if (!looksLikeEmail(email)) throw invalidField('email', 'must be an email address');
      const entry: Suppression = { projectId, email, reason: input.reason ?? 'manual', detail: input.detail ?? null, createdAt: deps.clock.now() };
      await deps.store.put(entry);
      return entry;
    },

    async get(projectId: string, email: string): Promise<Suppression> {
      const found = await deps.store.get(projectId, normalizeEmail(email));
      if (!found) throw notFound('suppression', email);
      return found;
    },

    async remove(projectId: string, email: string): Promise<void> {
      if (!(await deps.store.remove(projectId, normalizeEmail(email)))) throw notFound('suppression', email);
    },
  };
}

export type SuppressionService = ReturnType<typeof createSuppressionService>;
