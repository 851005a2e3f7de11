import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { hasPermission } from '../core/auth/permissions.js';
import { readPermissionFor } from '../core/events/public-events.js';
import { principalOf } from './context.js';
import type { ConsoleDeps } from './deps.js';

/**
 * Server-sent events for the console: each public event of the session's
 * project that its key may read, named by resource (`emails`, `email.templates`,
 * `email.blocks`), from the same hub as the WebSocket API. Pages use them only
 * as "something changed" signals and read the new state over HTTP.
 */
export function liveRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const streams = new Set<ServerResponse>();
  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get('/console/events', { schema: { hide: true } }, async (request, reply) => {
    const principal = principalOf(request);
    const res = reply.raw;
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    streams.add(res);
    const unsubscribe = deps.eventHub.subscribe((event) => {
      if (event.projectId !== principal.projectId || !hasPermission(principal, readPermissionFor(event))) return;
      const data = JSON.stringify({ id: event.payload.id ?? event.payload.uuid ?? null, type: event.payload.type, status: event.payload.status ?? null });
      res.write(`id: ${event.id}\nevent: ${event.resource}\ndata: ${data}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
    ping.unref();
    const stop = () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
    };
    res.on('close', stop);
    res.on('error', stop);
  });
}
