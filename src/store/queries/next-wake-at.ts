import type { Kysely } from 'kysely';
import { claimableStatuses } from '../../core/outbox/lifecycle.js';
import type { Database } from '../schema.js';

/** The earliest due run_at or lease expiry, so an idle worker sleeps exactly as long as it may. */
export async function nextWakeAt(db: Kysely<Database>): Promise<number | null> {
  const due = await db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.min('run_at').as('at'))
    .where('status', 'in', claimableStatuses)
    .executeTakeFirst();
  const lease = await db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.min('lease_expires_at').as('at'))
    .where('status', 'in', ['rendering', 'sending'])
    .executeTakeFirst();
  const times = [due?.at, lease?.at].filter((t): t is number => t !== null && t !== undefined).map(Number);
  return times.length ? Math.min(...times) : null;
}
