import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction, Updateable } from 'kysely';
import type { OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { MessagePatch } from '../../core/outbox/admin-types.js';
import type { Database, OutboxMessagesTable } from '../schema.js';
import { recordTransitions } from './record-transitions.js';

function columns(patch: MessagePatch): Updateable<OutboxMessagesTable> {
  return {
    ...(patch.runAt !== undefined ? { run_at: patch.runAt } : {}),
    ...(patch.scheduledAt !== undefined ? { scheduled_at: patch.scheduledAt } : {}),
    ...(patch.isPaused !== undefined ? { is_paused: patch.isPaused ? 1 : 0 } : {}),
    ...(patch.skipReason !== undefined ? { skip_reason: patch.skipReason } : {}),
    ...(patch.clearRendered ? { rendered_subject: null, rendered_html: null, rendered_text: null } : {}),
    ...(patch.resetAttempts ? { attempts: 0 } : {}),
  };
}

/**
 * A content edit touches one message, not the others sharing its content: the
 * message gets its own copy of the content (attachments still shared by hash).
 */
async function editContent(trx: Transaction<Database>, projectId: string, id: string, patch: MessagePatch): Promise<void> {
  const { content_id: from } = await trx.selectFrom('outbox_messages').select('content_id').where('id', '=', id).executeTakeFirstOrThrow();
  const old = await trx.selectFrom('outbox_contents').selectAll().where('project_id', '=', projectId).where('id', '=', from).executeTakeFirstOrThrow();
  const copy = {
    ...old,
    id: randomUUID(),
    ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
    // A new body: the text part made from the old one no longer applies.
    ...(patch.html !== undefined ? { html: patch.html, rendered_text: null } : {}),
    ...(patch.clearTemplate ? { template_id: null, template_variables: null } : {}),
  };
  await trx.insertInto('outbox_contents').values(copy).execute();
  await trx.updateTable('outbox_messages').set({ content_id: copy.id }).where('id', '=', id).execute();
}

/**
 * Compare-and-set on status: the update applies only while the row is still in
 * one of `expected`, and the transition is recorded in the same transaction.
 * Returns whether the row was changed.
 */
export async function updateMessageIf(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  expected: readonly OutboxStatus[],
  patch: MessagePatch,
  change: { status: OutboxStatus; reason: string | null } | null,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('outbox_messages')
      .set({
        ...columns(patch),
        ...(change ? { status: change.status, lease_owner: null, lease_expires_at: null } : {}),
        updated_at: now,
      })
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .where('status', 'in', [...expected])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    if (patch.subject !== undefined || patch.html !== undefined || patch.clearTemplate) await editContent(trx, projectId, id, patch);
    if (change) await recordTransitions(trx, [{ messageId: id, projectId, status: change.status, reason: change.reason, at: now }]);
    return true;
  });
}
