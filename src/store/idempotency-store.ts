import type { Kysely } from 'kysely';
import type { IdempotencyStore } from '../core/idempotency/types.js';
import type { Database } from './schema.js';
import { parseJson } from './json.js';

export function createIdempotencyStore(db: Kysely<Database>): IdempotencyStore {
  return {
    async claim(projectId, key, requestHash, now, expiresAt, staleRunningBefore) {
      // An expired record no longer holds its key.
      await db.deleteFrom('idempotency_keys').where('project_id', '=', projectId).where('key', '=', key).where('expires_at', '<=', now).execute();
      const inserted = await db
        .insertInto('idempotency_keys')
        .values({ project_id: projectId, key, request_hash: requestHash, state: 'running', response_status: null, response_body: null, created_at: now, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['project_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { claimed: true };
      const row = await db.selectFrom('idempotency_keys').selectAll().where('project_id', '=', projectId).where('key', '=', key).executeTakeFirst();
      // Released between our insert and select: the caller sees a conflict and may retry.
      if (!row) return { claimed: false, requestHash, state: 'running', response: null };
      if (row.state === 'running' && Number(row.created_at) <= staleRunningBefore) {
        // The request that claimed it died. Compare-and-set on its claim time: of several retries, one takes it.
        const taken = await db
          .updateTable('idempotency_keys')
          .set({ request_hash: requestHash, created_at: now, expires_at: expiresAt })
          .where('project_id', '=', projectId)
          .where('key', '=', key)
          .where('state', '=', 'running')
          .where('created_at', '=', row.created_at)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 1) return { claimed: true };
        return { claimed: false, requestHash, state: 'running', response: null };
      }
      return {
        claimed: false,
        requestHash: row.request_hash,
        state: row.state === 'done' || row.state === 'committed' ? row.state : 'running',
        response: row.state === 'done' && row.response_status !== null ? { status: Number(row.response_status), body: parseJson<unknown>(row.response_body, null) } : null,
      };
    },

    async complete(projectId, key, response) {
      await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', response_status: response.status, response_body: JSON.stringify(response.body) })
        .where('project_id', '=', projectId)
        .where('key', '=', key)
        .execute();
    },

    async release(projectId, key) {
      await db.deleteFrom('idempotency_keys').where('project_id', '=', projectId).where('key', '=', key).where('state', '=', 'running').execute();
    },
  };
}
