/**
 * One WebSocket subscriber: the events its credentials may read, in id order,
 * optionally resumed after a given id. Memory per connection is bounded: when
 * the socket's send buffer (or the backlog held while resuming) exceeds its
 * limit, the connection is closed with 4008 and a reason, and nothing more is
 * queued for it.
 */
import type { WebSocket } from 'ws';
import { hasPermission, type Principal } from '../../core/auth/permissions.js';
import type { EventHub } from '../../core/events/hub.js';
import { readPermissionFor, type StoredEvent } from '../../core/events/public-events.js';

export const slowConsumerCloseCode = 4008;
const replayPage = 500;
/** Live events held back while a resume reads the log. */
const maxHeldWhileReplaying = 10_000;
/** Ids a resume has sent, remembered so that their live notifications (still in flight) are not sent twice. */
const rememberReplayed = 10_000;

export interface EventStreamOptions {
  socket: WebSocket;
  principal: Principal;
  hub: EventHub;
  /** Resume after this event id; undefined: live events only. */
  after: number | undefined;
  maxBufferedBytes: number;
  onError(error: unknown): void;
}

export function streamEvents(o: EventStreamOptions): void {
  const { socket, principal, hub } = o;
  const canRead = (e: StoredEvent) => e.projectId === principal.projectId && hasPermission(principal, readPermissionFor(e));
  let open = true;
  let replaying = o.after !== undefined;
  const held: StoredEvent[] = [];
  const replayed = new Set<number>();

  function stop(): void {
    open = false;
    unsubscribe();
    held.length = 0;
  }

  function dropSlow(reason: string): void {
    if (!open) return;
    stop();
    // The close frame queues behind what is buffered; ws destroys the socket if the peer never answers it.
    socket.close(slowConsumerCloseCode, reason);
  }

  function sendJson(message: Record<string, unknown>): void {
    if (!open) return;
    const data = JSON.stringify(message);
    if (socket.bufferedAmount + Buffer.byteLength(data) > o.maxBufferedBytes) {
      dropSlow(`slow consumer: more than ${o.maxBufferedBytes} bytes waiting to be sent`);
      return;
    }
    socket.send(data);
  }

  const send = (e: StoredEvent) => sendJson({ ...e.payload, eventId: e.id });

  const unsubscribe = hub.subscribe((event) => {
    if (!open || !canRead(event) || replayed.has(event.id)) return;
    if (!replaying) return send(event);
    held.push(event);
    if (held.length > maxHeldWhileReplaying) dropSlow('slow consumer: too many events arrived while resuming');
  });

  socket.on('close', stop);
  socket.on('error', (error) => {
    o.onError(error);
    stop();
  });

  /** Lets the client read what is buffered before the next page of a resume is queued. */
  async function drained(): Promise<void> {
    while (open && socket.bufferedAmount > o.maxBufferedBytes / 2) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function replay(after: number): Promise<void> {
    const oldest = await hub.oldestId();
    if (oldest !== undefined && after + 1 < oldest) {
      sendJson({
        type: 'RESUME_INCOMPLETE',
        after,
        oldestEventId: oldest,
        message: `events after ${after} are partly past the retention window; reload state over HTTP`,
      });
    }
    let cursor = after;
    while (open) {
      const page = await hub.readAfter(principal.projectId, cursor, replayPage);
      for (const event of page) {
        replayed.add(event.id);
        if (replayed.size > rememberReplayed) replayed.delete(replayed.values().next().value!);
        cursor = event.id;
        if (canRead(event)) send(event);
      }
      if (page.length < replayPage) break;
      await drained();
    }
    replaying = false;
    for (const event of held.splice(0)) {
      if (event.id > after && !replayed.has(event.id)) send(event);
    }
  }

  if (o.after === undefined) {
    sendJson({ type: 'READY', resumedAfter: null });
    return;
  }
  const after = o.after;
  replay(after).then(
    () => sendJson({ type: 'READY', resumedAfter: after }),
    (error: unknown) => {
      o.onError(error);
      if (open) {
        stop();
        socket.close(1011, 'could not read the event log');
      }
    },
  );
}
