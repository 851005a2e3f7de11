import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaptureStore, CapturedMessage } from '../core/delivery/types.js';
import type { CapturedMessagesTable, Database } from './schema.js';
import { parseJson } from './json.js';
import { likeEscape } from './like.js';

function toCaptured(row: Selectable<CapturedMessagesTable>): CapturedMessage {
  return {
    id: row.id,
    projectId: row.project_id,
    outboxMessageId: row.outbox_message_id,
    messageIdHeader: row.message_id_header,
    envelopeFrom: row.envelope_from,
    envelopeTo: parseJson<string[]>(row.envelope_to, []),
    subject: row.subject,
    raw: row.raw,
    createdAt: Number(row.created_at),
  };
}

/** The capture transport's mailbox. */
export function createCaptureStore(db: Kysely<Database>): CaptureStore {
  return {
    async insert(m) {
      await db
        .insertInto('captured_messages')
        .values({
          id: m.id,
          project_id: m.projectId,
          outbox_message_id: m.outboxMessageId,
          message_id_header: m.messageIdHeader,
          envelope_from: m.envelopeFrom,
          envelope_to: JSON.stringify(m.envelopeTo),
          subject: m.subject,
          raw: m.raw,
          created_at: m.createdAt,
        })
        .execute();
    },
    async list(projectId, { limit, before, to }) {
      let query = db.selectFrom('captured_messages').selectAll().where('project_id', '=', projectId);
      if (before) {
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
        );
      }
      // envelope_to is a JSON array of addresses; a quoted substring match finds one exactly.
      if (to) query = query.where(sql<boolean>`envelope_to like ${`%${likeEscape(JSON.stringify(to.toLowerCase()))}%`} escape '\\'`);
      return (await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toCaptured);
    },
    async get(projectId, id) {
      const row = await db.selectFrom('captured_messages').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return row && toCaptured(row);
    },
  };
}
