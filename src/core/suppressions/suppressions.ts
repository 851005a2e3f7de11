import { canonicalEmail, comparableEmail } from '../addresses.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import type { Suppression, SuppressionReason, SuppressionStore } from './types.js';

/**
 * Entries created before addresses were canonicalised hold the address only
 * trimmed and lower-cased (an IDN domain as typed); get and remove still find them.
 */
const legacyForm = (email: string): string => email.trim().toLowerCase();

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
      const email = canonicalEmail(input.email);
      const entry: Suppression = { projectId, email, reason: input.reason ?? 'manual', detail: input.detail ?? null, createdAt: deps.clock.now() };
      await deps.store.put(entry);
      return entry;
    },

    async get(projectId: string, email: string): Promise<Suppression> {
      const canonical = comparableEmail(email);
      const found = (await deps.store.get(projectId, canonical)) ?? (legacyForm(email) !== canonical ? await deps.store.get(projectId, legacyForm(email)) : undefined);
      if (!found) throw notFound('suppression', email);
      return found;
    },

    async remove(projectId: string, email: string): Promise<void> {
      const canonical = comparableEmail(email);
      const removed =
        (await deps.store.remove(projectId, canonical)) || (legacyForm(email) !== canonical && (await deps.store.remove(projectId, legacyForm(email))));
      if (!removed) throw notFound('suppression', email);
    },
  };
}

export type SuppressionService = ReturnType<typeof createSuppressionService>;
