import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { decodeCursor, keysetPage } from '../cursor.js';
import { notFound } from '../errors.js';
import { parseMailbox } from '../outbox/address.js';
import type { User, UserPatch, UserStore } from './types.js';

export interface UserPage {
  items: User[];
  nextCursor: string | null;
}

/** Primary emails are stored bare with an ASCII domain, as the send path expects. */
function normaliseEmail(field: string, email: string | null | undefined): string | null | undefined {
  if (email === null || email === undefined) return email;
  return parseMailbox(field, email).address;
}

export function createUserService(deps: { store: UserStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    async create(projectId: string, input: UserPatch): Promise<User> {
      const now = clock.now();
      const user: User = {
        id: randomUUID(),
        projectId,
        primaryEmail: normaliseEmail('primary_email', input.primaryEmail) ?? null,
        primaryEmailVerified: input.primaryEmailVerified ?? false,
        displayName: input.displayName ?? null,
        locale: input.locale ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await store.insertUser(user);
      return user;
    },

    async get(projectId: string, id: string): Promise<User> {
      const user = await store.getUser(projectId, id);
      if (!user) throw notFound('user', id);
      return user;
    },

    async list(projectId: string, options: { limit: number; cursor?: string }): Promise<UserPage> {
      const after = options.cursor ? decodeCursor(options.cursor) : undefined;
      const rows = await store.listUsers(projectId, { limit: options.limit + 1, ...(after ? { after } : {}) });
      return keysetPage(rows, options.limit);
    },

    /**
     * A new primary email is unverified unless the same patch says otherwise:
     * verifying one address must not vouch for the next.
     */
    async update(projectId: string, id: string, patch: UserPatch): Promise<User> {
      const primaryEmail = normaliseEmail('primary_email', patch.primaryEmail);
      const next: UserPatch = { ...patch, ...(primaryEmail !== undefined ? { primaryEmail } : {}) };
      if (primaryEmail !== undefined && patch.primaryEmailVerified === undefined) {
        const current = await store.getUser(projectId, id);
        if (!current) throw notFound('user', id);
        if (current.primaryEmail !== primaryEmail) next.primaryEmailVerified = false;
      }
      const user = await store.updateUser(projectId, id, next, clock.now());
      if (!user) throw notFound('user', id);
      return user;
    },

    async remove(projectId: string, id: string): Promise<void> {
      if (!(await store.deleteUser(projectId, id))) throw notFound('user', id);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
