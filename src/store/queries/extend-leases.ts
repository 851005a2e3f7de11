import type { Engine } from '../database.js';

/**
 * Keeps a live worker's rows leased while a slow batch is still with SMTP, so recovery never resends them.
 * On PostgreSQL rows locked right now (a hand-off or outcome being written) are skipped rather than
 * waited for: they are leaving this state anyway, and waiting on them in another order could deadlock.
 */
export async function extendLeases(engine: Engine, owner: string, until: number, ids: readonly string[]): Promise<number> {
  let extended = 0;
  for (let i = 0; i < ids.length; i += idsPerStatement) {
    const chunk = ids.slice(i, i + idsPerStatement);
    const result = await engine.db
      .updateTable('outbox_messages')
      .set({ lease_expires_at: until })
      .where('id', 'in', (eb) => {
        const held = eb.selectFrom('outbox_messages').select('id').where('id', 'in', chunk).where('lease_owner', '=', owner).where('status', 'in', ['rendering', 'sending']);
        return engine.capabilities.skipLocked ? held.forUpdate().skipLocked() : held;
      })
      .executeTakeFirst();
    extended += Number(result.numUpdatedRows);
  }
  return extended;
}

/** Well under SQLite's 32,766 bound parameters. */
const idsPerStatement = 1000;
