import type { Kysely } from 'kysely';
import type { ConnectionSlots } from '../../core/delivery/types.js';
import type { Database } from '../schema.js';

/**
 * A counting semaphore in the database: slot rows (relay, 0..cap-1) leased by
 * owner. Taking a slot is one upsert that only succeeds on a missing or expired
 * row, so concurrent processes never hold the same slot; a crashed process's
 * slots free themselves when their lease runs out.
 */
export function createConnectionSlots(db: Kysely<Database>): ConnectionSlots {
  return {
    async acquire(key, cap, owner, now, leaseMs) {
      const start = Math.floor(Math.random() * cap);
      for (let i = 0; i < cap; i++) {
        const slot = (start + i) % cap;
        const taken = await db
          .insertInto('transport_slots')
          .values({ transport_key: key, slot, owner, expires_at: now + leaseMs })
          .onConflict((oc) =>
            oc
              .columns(['transport_key', 'slot'])
              .doUpdateSet({ owner, expires_at: now + leaseMs })
              .where('transport_slots.expires_at', '<', now),
          )
          .returning('slot')
          .executeTakeFirst();
        if (taken) return slot;
      }
      return undefined;
    },
    async renew(key, slot, owner, expiresAt) {
      await db.updateTable('transport_slots').set({ expires_at: expiresAt }).where('transport_key', '=', key).where('slot', '=', slot).where('owner', '=', owner).execute();
    },
    async release(key, slot, owner) {
      await db.deleteFrom('transport_slots').where('transport_key', '=', key).where('slot', '=', slot).where('owner', '=', owner).execute();
    },
  };
}
