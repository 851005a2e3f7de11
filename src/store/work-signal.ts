import type { WorkSignal } from '../core/delivery/types.js';
import type { Engine } from './database.js';

/** One channel per schema, so isolated instances sharing a database never wake each other. */
function channelFor(engine: Engine): string {
  return `mailroom_work_${engine.schema ?? 'public'}`.slice(0, 63);
}

/**
 * Cross-process wake-ups. On PostgreSQL: NOTIFY on commit of new work, and one
 * dedicated LISTEN connection per listening process. Elsewhere there is nothing
 * to do: the in-process event bus already wakes the workers, and polling covers the rest.
 */
export function createWorkSignal(engine: Engine): WorkSignal {
  const pool = engine.pool;
  if (!engine.capabilities.listenNotify || !pool) {
    return { notify: async () => {}, listen: async () => async () => {} };
  }
  const channel = channelFor(engine);
  return {
    async notify() {
      await pool.query('select pg_notify($1, $2)', [channel, '']);
    },
    async listen(onWork) {
      const client = await pool.connect();
      const handler = (message: { channel: string }) => {
        if (message.channel === channel) onWork();
      };
      client.on('notification', handler);
      await client.query(`LISTEN "${channel}"`);
      return async () => {
        client.off('notification', handler);
        try {
          await client.query(`UNLISTEN "${channel}"`);
        } finally {
          client.release();
        }
      };
    },
  };
}
