import type { Kysely, Selectable } from 'kysely';
import type { User, UserStore } from '../core/users/types.js';
import type { Database, UsersTable } from './schema.js';

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    projectId: row.project_id,
    primaryEmail: row.primary_email,
    primaryEmailVerified: Boolean(row.primary_email_verified),
    displayName: row.display_name,
    locale: row.locale,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** SQLite caps bound parameters per statement. */
const idChunk = 5000;

export function createUserStore(db: Kysely<Database>): UserStore {
  return {
    async insertUser(user) {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          project_id: user.projectId,
          primary_email: user.primaryEmail,
          primary_email_verified: user.primaryEmailVerified ? 1 : 0,
          display_name: user.displayName,
          locale: user.locale,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .execute();
    },

    async getUser(projectId, id) {
      const row = await db.selectFrom('users').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async listUsers(projectId, { limit, after }) {
      let query = db.selectFrom('users').selectAll().where('project_id', '=', projectId);
      if (after) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
        );
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toUser);
    },

    async updateUser(projectId, id, patch, at) {
      const row = await db
        .updateTable('users')
        .set({
          ...(patch.primaryEmail !== undefined ? { primary_email: patch.primaryEmail } : {}),
          ...(patch.primaryEmailVerified !== undefined ? { primary_email_verified: patch.primaryEmailVerified ? 1 : 0 } : {}),
          ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
          ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
          updated_at: at,
        })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toUser(row);
    },

    async deleteUser(projectId, id) {
      const result = await db.deleteFrom('users').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async findUsers(projectId, ids) {
      const found: Array<{ id: string; locale: string | null }> = [];
      for (let i = 0; i < ids.length; i += idChunk) {
        const rows = await db
          .selectFrom('users')
          .select(['id', 'locale'])
          .where('project_id', '=', projectId)
          .where('id', 'in', ids.slice(i, i + idChunk))
          .execute();
        found.push(...rows);
      }
      return found;
    },

    allUserIds: (projectId) => db.selectFrom('users').select(['id', 'locale']).where('project_id', '=', projectId).orderBy('created_at').execute(),
  };
}
