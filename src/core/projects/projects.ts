import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MailroomError, notFound } from '../errors.js';
import { generateApiKey, hashApiKey } from '../auth/api-keys.js';
import { isPermission, type KeyKind, type Principal } from '../auth/permissions.js';
import type { EgressMode as PrivateTargetPolicy } from '../egress/policy.js';
import { acceptSmtpUrl, type ResolveHost } from './smtp-url.js';
import { parseMailbox } from '../outbox/address.js';
import type { ApiKey, Project, ProjectSettings, ProjectStore, StoredApiKey } from './types.js';

export interface CreatedProject {
  project_id: string;
  secret_server_key: string;
  admin_key: string;
  publishable_client_key: string;
}

export interface CreatedKey {
  key: string;
  apiKey: ApiKey;
}

/** last_used_at is advisory; writing it at most once a minute keeps auth off the write path. */
const touchIntervalMs = 60_000;

/** Settings that end up in headers must hold what the header needs: defaultSender is one mailbox. */
function checkedSettings(settings: ProjectSettings): ProjectSettings {
  if (settings.defaultSender !== undefined) parseMailbox('settings.defaultSender', settings.defaultSender);
  return settings;
}

export function createProjectService(deps: {
  store: ProjectStore;
  clock: Clock;
  /** Which networks a project's own SMTP relay may be on when set through updateProject; default: any. */
  relayPolicy?: PrivateTargetPolicy;
  /** Resolves relay host names for that check; without it only address literals and localhost are judged. */
  resolveHost?: ResolveHost;
}) {
  const { store, clock } = deps;

  function newKey(projectId: string, kind: KeyKind, name: string, permissions: string[]): { key: string; stored: StoredApiKey } {
    const { key, hash, prefix } = generateApiKey(kind);
    return {
      key,
      stored: {
        id: randomUUID(),
        projectId,
        kind,
        name,
        permissions,
        prefix,
        hash,
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      },
    };
  }

  return {
    async createProject(input: { name: string; settings?: ProjectSettings }): Promise<CreatedProject> {
      const name = input.name.trim();
      if (!name) throw new MailroomError('SCHEMA_ERROR', 'name: must not be empty', { field: 'name' });
      const now = clock.now();
      const project: Project = {
        id: randomUUID(),
        name,
        settings: checkedSettings(input.settings ?? {}),
        signingSecret: randomBytes(32).toString('base64url'),
        createdAt: now,
        updatedAt: now,
      };
      const secret = newKey(project.id, 'secret', 'default secret server key', []);
      const admin = newKey(project.id, 'admin', 'default admin key', []);
      const publishable = newKey(project.id, 'publishable', 'default publishable client key', []);
      await store.createProject(project, [secret.stored, admin.stored, publishable.stored]);
      return {
        project_id: project.id,
        secret_server_key: secret.key,
        admin_key: admin.key,
        publishable_client_key: publishable.key,
      };
    },

    async getProject(id: string): Promise<Project> {
      const project = await store.getProject(id);
      if (!project) throw notFound('project', id);
      return project;
    },

    listProjects: () => store.listProjects(),
    countProjects: () => store.countProjects(),

    /** Settings replace the stored ones; see smtp-url.ts for how settings.smtpUrl is accepted. */
    async updateProject(id: string, patch: { name?: string; settings?: ProjectSettings }): Promise<Project> {
      let settings = patch.settings && checkedSettings(patch.settings);
      if (settings?.smtpUrl !== undefined) {
        const current = await this.getProject(id);
        settings = { ...settings, smtpUrl: await acceptSmtpUrl(settings.smtpUrl, current.settings.smtpUrl, deps.relayPolicy ?? 'all', deps.resolveHost) };
      }
      const updated = await store.updateProject(id, { ...patch, ...(settings ? { settings } : {}), updatedAt: clock.now() });
      if (!updated) throw notFound('project', id);
      return updated;
    },

    async createKey(projectId: string, input: { kind: KeyKind; name?: string; permissions?: string[] }): Promise<CreatedKey> {
      const permissions = input.permissions ?? [];
      if (input.kind === 'scoped' && permissions.length === 0) {
        throw new MailroomError('SCHEMA_ERROR', 'permissions: a scoped key needs at least one permission', { field: 'permissions' });
      }
      if (input.kind !== 'scoped' && permissions.length > 0) {
        throw new MailroomError('SCHEMA_ERROR', 'permissions: only scoped keys carry permissions', { field: 'permissions' });
      }
      const bad = permissions.find((p) => !isPermission(p));
      if (bad) throw new MailroomError('SCHEMA_ERROR', `permissions: "${bad}" is not a known permission`, { field: 'permissions' });
      await this.getProject(projectId);
      const { key, stored } = newKey(projectId, input.kind, input.name ?? `${input.kind} key`, permissions);
      await store.insertKey(stored);
      const { hash: _hash, ...apiKey } = stored;
      return { key, apiKey };
    },

    listKeys: (projectId: string) => store.listKeys(projectId),

    async revokeKey(projectId: string, keyId: string): Promise<void> {
      if (!(await store.revokeKey(projectId, keyId, clock.now()))) throw notFound('key', keyId);
    },

    /** Resolves a presented key to its principal, or undefined when unknown or revoked. */
    async authenticateKey(key: string): Promise<Principal | undefined> {
      const stored = await store.findKeyByHash(hashApiKey(key));
      if (!stored || stored.revokedAt !== null) return undefined;
      const now = clock.now();
      if (stored.lastUsedAt === null || now - stored.lastUsedAt > touchIntervalMs) {
        await store.touchKey(stored.id, now);
      }
      return { projectId: stored.projectId, keyId: stored.id, keyKind: stored.kind, permissions: stored.permissions };
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
