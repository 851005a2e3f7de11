/**
 * A WebSocket client of GET /api/v1/events that a scenario disconnects while
 * the database is away and reconnects with `?after=<last id>` afterwards. The
 * check: every event the project's log holds past the first one seen arrived,
 * once, in increasing id order.
 */
import WebSocket from 'ws';

export interface EventWatcher {
  ids: number[];
  /** EMAIL_STATUS events by message id: the statuses seen. */
  statuses: Map<string, string[]>;
  disconnect(): Promise<void>;
  /** Reconnects resuming after the last id received. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function watchEvents(base: string, projectId: string, key: string): Promise<EventWatcher> {
  const ids: number[] = [];
  const statuses = new Map<string, string[]>();
  let ws: WebSocket | undefined;

  function connect(after: number | undefined): Promise<void> {
    const url = `${base.replace(/^http/, 'ws')}/api/v1/events${after === undefined ? '' : `?after=${after}`}`;
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${key}`, 'x-stack-project-id': projectId } });
    ws = socket;
    return new Promise((ready, fail) => {
      socket.once('error', fail);
      socket.once('unexpected-response', (_req, res) => fail(new Error(`events: HTTP ${res.statusCode}`)));
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; eventId?: number; id?: string; status?: string };
        if (m.type === 'READY') return ready();
        if (typeof m.eventId !== 'number') return;
        ids.push(m.eventId);
        if (m.type === 'EMAIL_STATUS' && m.id && m.status) statuses.set(m.id, [...(statuses.get(m.id) ?? []), m.status]);
      });
    });
  }

  async function disconnect(): Promise<void> {
    const socket = ws;
    ws = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((done) => {
      socket.once('close', () => done());
      socket.close();
      setTimeout(() => {
        socket.terminate();
        done();
      }, 2000);
    });
  }

  await connect(undefined);
  return {
    ids,
    statuses,
    disconnect,
    resume: () => connect(ids.length > 0 ? ids[ids.length - 1]! : 0),
    close: disconnect,
  };
}

/** Compares what a watcher received with the ids the log holds for the project after its first event. */
export function eventGaps(received: readonly number[], logIds: readonly number[]) {
  const got = new Set(received);
  const first = received[0] ?? Infinity;
  const expected = logIds.filter((id) => id >= first);
  let outOfOrder = 0;
  for (let i = 1; i < received.length; i++) if (received[i]! <= received[i - 1]!) outOfOrder++;
  return {
    received: received.length,
    expected: expected.length,
    missing: expected.filter((id) => !got.has(id)).length,
    duplicates: received.length - got.size,
    outOfOrder,
  };
}
