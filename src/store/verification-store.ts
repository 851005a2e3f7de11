import type { Kysely, Selectable } from 'kysely';
import type { EmailVerification, VerificationStore } from '../core/verification/types.js';
import type { Database, EmailVerificationsTable } from './schema.js';

function toVerification(row: Selectable<EmailVerificationsTable>): EmailVerification {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    projectId: row.project_id,
    userId: row.user_id,
    email: row.email,
    codeHash: row.code_hash,
    expiresAt: Number(row.expires_at),
    attempts: Number(row.attempts),
    lastSentAt: Number(row.last_sent_at),
    verifiedAt: n(row.verified_at),
    voidedAt: n(row.voided_at),
    createdAt: Number(row.created_at),
  };
}

export function createVerificationStore(db: Kysely<Database>): VerificationStore {
  return {
    async getUser(projectId, userId) {
      const row = await db.selectFrom('users').selectAll().where('project_id', '=', projectId).where('id', '=', userId).executeTakeFirst();
      return (
        row && {
          id: row.id,
          primaryEmail: row.primary_email,
          primaryEmailVerified: Boolean(row.primary_email_verified),
          locale: row.locale,
          displayName: row.display_name,
        }
      );
    },

    async findPending(projectId, userId) {
      const row = await db
        .selectFrom('email_verifications')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .where('verified_at', 'is', null)
        .where('voided_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row && toVerification(row);
    },

    async replacePending(v, at) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('email_verifications')
          .set({ voided_at: at })
          .where('project_id', '=', v.projectId)
          .where('user_id', '=', v.userId)
          .where('verified_at', 'is', null)
          .where('voided_at', 'is', null)
          .execute();
        await trx
          .insertInto('email_verifications')
          .values({
            id: v.id,
            project_id: v.projectId,
            user_id: v.userId,
            email: v.email,
            code_hash: v.codeHash,
            expires_at: v.expiresAt,
            attempts: v.attempts,
            last_sent_at: v.lastSentAt,
            verified_at: null,
            voided_at: null,
            created_at: v.createdAt,
          })
          .execute();
      });
    },

    async updateCode(id, patch) {
      await db
        .updateTable('email_verifications')
        .set({ code_hash: patch.codeHash, expires_at: patch.expiresAt, last_sent_at: patch.lastSentAt })
        .where('id', '=', id)
        .execute();
    },

    async claimAttempt(id, maxAttempts) {
      const row = await db
        .updateTable('email_verifications')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('attempts', '<', maxAttempts)
        .where('verified_at', 'is', null)
        .where('voided_at', 'is', null)
        .returning('attempts')
        .executeTakeFirst();
      return row ? Number(row.attempts) : undefined;
    },

    async voidVerification(id, at) {
      await db.updateTable('email_verifications').set({ voided_at: at }).where('id', '=', id).execute();
    },

    async completeVerification(v, at) {
      return db.transaction().execute(async (trx) => {
        // Single use: only the transaction that flips verified_at from null may update the user.
        const result = await trx
          .updateTable('email_verifications')
          .set({ verified_at: at })
          .where('id', '=', v.id)
          .where('verified_at', 'is', null)
          .where('voided_at', 'is', null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        await trx
          .updateTable('users')
          .set({ primary_email: v.email, primary_email_verified: 1, updated_at: at })
          .where('project_id', '=', v.projectId)
          .where('id', '=', v.userId)
          .execute();
        return true;
      });
    },

    async countSends(projectId, since, by) {
      let query = db
        .selectFrom('verification_sends')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId)
        .where('at', '>', since);
      query = 'userId' in by ? query.where('user_id', '=', by.userId) : query.where('client_address', '=', by.clientAddress);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async recordSend(projectId, userId, clientAddress, at) {
      await db.insertInto('verification_sends').values({ project_id: projectId, user_id: userId, client_address: clientAddress, at }).execute();
    },
  };
}
