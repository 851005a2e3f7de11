import type { Kysely, Selectable } from 'kysely';
import type { KeyKind } from '../core/auth/permissions.js';
import type { ApiKey, Project, ProjectSettings, ProjectStore, StoredApiKey } from '../core/projects/types.js';
import type { ApiKeysTable, Database, ProjectsTable } from './schema.js';
import { parseJson } from './json.js';

function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    settings: parseJson<ProjectSettings>(row.settings, {}),
    signingSecret: row.signing_secret,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toStoredKey(row: Selectable<ApiKeysTable>): StoredApiKey {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind as KeyKind,
    name: row.name,
    permissions: parseJson<string[]>(row.permissions, []),
    prefix: row.key_prefix,
    hash: row.key_hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

function keyRow(key: StoredApiKey): ApiKeysTable {
  return {
    id: key.id,
    project_id: key.projectId,
    kind: key.kind,
    name: key.name,
    permissions: JSON.stringify(key.permissions),
    key_hash: key.hash,
    key_prefix: key.prefix,
    created_at: key.createdAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
  };
}

export function createProjectStore(db: Kysely<Database>): ProjectStore {
  return {
    async createProject(project, keys) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('projects')
          .values({
            id: project.id,
            name: project.name,
            settings: JSON.stringify(project.settings),
            signing_secret: project.signingSecret,
            created_at: project.createdAt,
            updated_at: project.updatedAt,
          })
          .execute();
        if (keys.length > 0) await trx.insertInto('api_keys').values(keys.map(keyRow)).execute();
      });
    },

    async getProject(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toProject(row);
    },

    async listProjects() {
      const rows = await db.selectFrom('projects').selectAll().orderBy('created_at').execute();
      return rows.map(toProject);
    },

    async updateProject(id, patch) {
      const row = await db
        .updateTable('projects')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
          updated_at: patch.updatedAt,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toProject(row);
    },

    async countProjects() {
      const row = await db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertKey(key) {
      await db.insertInto('api_keys').values(keyRow(key)).execute();
    },

    async listKeys(projectId) {
      const rows = await db.selectFrom('api_keys').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
      return rows.map((row) => {
        const { hash: _hash, ...key } = toStoredKey(row);
        return key satisfies ApiKey;
      });
    },

    async revokeKey(projectId, keyId, at) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', keyId)
        .where('project_id', '=', projectId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async findKeyByHash(hash) {
      const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
      return row && toStoredKey(row);
    },

    async touchKey(keyId, at) {
      await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
    },
  };
}
