import { sql, type Kysely, type Transaction } from 'kysely';
import { canTransition, type OutboxStatus } from '../../core/outbox/lifecycle.js';
import type { AppliedChange, RenderResults, SharedText } from '../../core/delivery/types.js';
import { isPostgres } from './append-events.js';
import type { Database } from '../schema.js';
import { recordChanges } from './record-transitions.js';
import { inStatus, text, valuesCte } from './values-cte.js';
import type { UpdateObject } from 'kysely';

/**
 * A compare-and-set from `rendering` held by `owner`. It fails when the outbox API
 * paused or cancelled the row meanwhile (or its lease was recovered): the caller drops it.
 */
async function casFromRendering(
  trx: Transaction<Database>,
  owner: string,
  id: string,
  to: OutboxStatus,
  set: UpdateObject<Database, 'outbox_messages'>,
): Promise<{ projectId: string } | undefined> {
  if (!canTransition('rendering', to)) throw new Error(`lifecycle forbids rendering -> ${to}`);
  return trx
    .updateTable('outbox_messages')
    .set({ ...set, status: to })
    .where('id', '=', id)
    .where('status', '=', 'rendering')
    .where('lease_owner', '=', owner)
    .returning('project_id as projectId')
    .executeTakeFirst();
}

/** Four values a row; well inside SQLite's bound-parameter limit. */
const chunkSize = 500;

/**
 * rendering -> skipped | render-error | sending, in one transaction with the status history and events;
 * the text parts in `sharedTexts` are kept on their contents.
 */
export async function finishRendering(db: Kysely<Database>, owner: string, now: number, results: RenderResults): Promise<AppliedChange[]> {
  return db.transaction().execute(async (trx) => {
    await keepSharedText(trx, results.sharedTexts ?? []);
    const applied = await applyRendering(trx, owner, now, results);
    await recordChanges(trx, applied, now);
    return applied;
  });
}

/**
 * The text part made from an html body with no template and no variables is the same for every
 * recipient: it is kept once, on the shared content (hand-offs then store it only where it differs).
 * Contents are found by primary key only. A join through the hand-offs' messages let PostgreSQL,
 * with statistics from before a large accept, loop over every content for each one (150-350 ms a batch).
 */
async function keepSharedText(trx: Transaction<Database>, shared: readonly SharedText[]): Promise<void> {
  if (shared.length === 0) return;
  const unset = sql`rendered_text is null and text_body is null and template_id is null and template_variables is null`;
  if (isPostgres(trx)) {
    const ids = shared.map((s) => s.contentId);
    await sql`
      update outbox_contents
         set rendered_text = (${shared.map((s) => s.text)}::text[])[array_position(${ids}::text[], id)]
       where id = any(${ids}::text[]) and ${unset}`.execute(trx);
    return;
  }
  for (let i = 0; i < shared.length; i += chunkSize) {
    const v = valuesCte('v', ['id', 'body'], shared.slice(i, i + chunkSize).map((s) => [text(s.contentId), text(s.text)]));
    await sql`
      with ${v}
      update outbox_contents set rendered_text = (select v.body from v where v.id = outbox_contents.id)
       where id in (select id from v) and ${unset}`.execute(trx);
  }
}

/**
 * The compare-and-sets of finishRendering inside a transaction the caller holds, without the
 * status history: the caller records it once for everything it wrote (see record-progress.ts).
 */
export async function applyRendering(
  trx: Transaction<Database>,
  owner: string,
  now: number,
  results: { readonly [K in 'skips' | 'renderErrors' | 'handOffs']: Readonly<RenderResults[K]> },
): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  const ended = { lease_owner: null, lease_expires_at: null, updated_at: now };
  for (const skip of results.skips) {
    const row = await casFromRendering(trx, owner, skip.id, 'skipped', { ...ended, skip_reason: skip.reason });
    if (row) applied.push({ id: skip.id, projectId: row.projectId, status: 'skipped', reason: skip.reason });
  }
  for (const failure of results.renderErrors) {
    const row = await casFromRendering(trx, owner, failure.id, 'render-error', { ...ended, last_error: failure.reason });
    if (row) applied.push({ id: failure.id, projectId: row.projectId, status: 'render-error', reason: failure.reason });
  }
  if (!canTransition('rendering', 'sending')) throw new Error('lifecycle forbids rendering -> sending');
  for (let i = 0; i < results.handOffs.length; i += chunkSize) {
    const chunk = results.handOffs.slice(i, i + chunkSize);
    const v = valuesCte('v', ['id', 'subject', 'html', 'body'], chunk.map((h) => [text(h.id), text(h.subject), text(h.html), text(h.text)]));
    // From here on a crash may mean the mail went out: recovery treats these rows differently.
    // Rendered output is kept on the message only where it differs from the shared content.
    const { rows } = await sql<{ id: string; project_id: string }>`
      with ${v}
      update outbox_messages
         set status = 'sending',
             rendered_subject = nullif(v.subject, (select c.subject from outbox_contents c where c.id = outbox_messages.content_id)),
             rendered_html = nullif(v.html, (select c.html from outbox_contents c where c.id = outbox_messages.content_id)),
             rendered_text = nullif(v.body, (select coalesce(c.text_body, c.rendered_text) from outbox_contents c where c.id = outbox_messages.content_id)),
             handed_off_at = ${now}, attempts = attempts + 1, updated_at = ${now}
        from v
       where outbox_messages.id = v.id and ${inStatus('rendering')} and outbox_messages.lease_owner = ${owner}
      returning outbox_messages.id, outbox_messages.project_id`.execute(trx);
    for (const r of rows) applied.push({ id: r.id, projectId: r.project_id, status: 'sending', reason: null });
  }
  return applied;
}
