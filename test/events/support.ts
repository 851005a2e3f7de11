import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import WebSocket from 'ws';
import type { BlockEventPayload, EventMap, TemplateEventPayload } from '../../src/core/events.js';
import { toPublicEvent, type PublicSource } from '../../src/core/events/public-events.js';
import type { TestMailroom } from '../support/mailroom.js';

export type EventMessage = { type: string; eventId?: number } & Record<string, unknown>;

/** Serves the app on a loopback port (WebSockets need a real listener) and returns its ws:// base. */
export async function listen(m: TestMailroom): Promise<string> {
  await m.app.listen({ port: 0, host: '127.0.0.1' });
  const address = m.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `ws://127.0.0.1:${address.port}`;
}

export interface EventClient {
  ws: WebSocket;
  messages: EventMessage[];
  /** Resolves with the first message (already received or not) matching the predicate. */
  waitFor(predicate: (m: EventMessage) => boolean, timeoutMs?: number): Promise<EventMessage>;
  closed: Promise<{ code: number; reason: string }>;
}

export function openClient(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<EventClient> {
  const ws = new WebSocket(url, { headers, ...options });
  const messages: EventMessage[] = [];
  const waiters: { predicate: (m: EventMessage) => boolean; resolve: (m: EventMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as EventMessage;
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.predicate(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const client: EventClient = {
    ws,
    messages,
    closed,
    waitFor(predicate, timeoutMs = 5_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode, body })));
    });
    ws.once('error', reject);
  });
}

/** Opens a client and waits until the server says it is subscribed (and done resuming). */
export async function openReadyClient(url: string, headers: Record<string, string> = {}, options: WebSocket.ClientOptions = {}): Promise<EventClient> {
  const client = await openClient(url, headers, options);
  await client.waitFor((m) => m.type === 'READY');
  return client;
}

export function closeClient(client: EventClient): Promise<unknown> {
  if (client.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  client.ws.close();
  return client.closed;
}

export function block(projectId: string, overrides: Partial<BlockEventPayload> = {}): BlockEventPayload {
  return { projectId, uuid: randomUUID(), name: 'footer', content: '<p>footer</p>', createdAt: 1_700_000_000_000, updatedAt: null, ...overrides };
}

export function template(projectId: string, overrides: Partial<TemplateEventPayload> = {}): TemplateEventPayload {
  return { projectId, uuid: randomUUID(), name: 'welcome', subject: 'Welcome {{name}}', createdAt: 1_700_000_000_000, updatedAt: null, ...overrides };
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** An HTTP receiver on loopback that records requests and answers with `status` (or never, when null). */
export async function startReceiver(): Promise<{
  url: string;
  requests: ReceivedRequest[];
  respondWith: { status: number | null };
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const respondWith: { status: number | null } = { status: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ headers: req.headers, body, at: Date.now() });
      if (respondWith.status === null) return; // hang: the sender must time out
      res.writeHead(respondWith.status, { 'content-type': 'text/plain' }).end(`answered ${respondWith.status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    respondWith,
    async waitForRequests(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return requests.slice(0, count);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Commits one event the way a change would (the store writes events in the
 * change's transaction), and tells the hub to look now. In call order.
 */
export async function raise<K extends PublicSource>(m: TestMailroom, name: K, payload: EventMap[K]): Promise<void> {
  await m.core.store.events.append([toPublicEvent(name, payload)], Date.now());
  m.core.events.emit(name, payload);
}
