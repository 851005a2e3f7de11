import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { hasPermission, type Permission } from '../../core/auth/permissions.js';
import { MailroomError } from '../../core/errors.js';
import { principalOf } from '../shared/auth.js';
import type { ApiDeps } from '../deps.js';
import { streamEvents } from './event-stream.js';

/** Holding any of these opens the stream; each event is then filtered by its own resource. */
const readPermissions: Permission[] = ['emails:read', 'email.blocks:read', 'email.templates:read'];

interface EventsQuery {
  after?: string;
  api_key?: string;
  project_id?: string;
}

/**
 * Browsers cannot set headers on a WebSocket: `?api_key=` stands for
 * `Authorization: Bearer`, and `?project_id=` for `x-stack-project-id`.
 * Headers, when sent, win.
 */
function adoptQueryCredentials(request: FastifyRequest<{ Querystring: EventsQuery }>): void {
  const { api_key: key, project_id: projectId } = request.query;
  const hasStackKey = Object.keys(request.headers).some((h) => /^x-(stack|hexclave)-(secret-server-key|admin-access-token|publishable-client-key)$/.test(h));
  if (key && !request.headers.authorization && !hasStackKey) request.headers.authorization = `Bearer ${key}`;
  if (projectId && !request.headers['x-stack-project-id'] && !request.headers['x-hexclave-project-id']) request.headers['x-stack-project-id'] = projectId;
}

function resumeAfter(request: FastifyRequest<{ Querystring: EventsQuery }>): number | undefined {
  const header = request.headers['last-event-id'];
  const raw = request.query.after ?? (Array.isArray(header) ? header[0] : header);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new MailroomError('SCHEMA_ERROR', 'after: must be an event id (a non-negative integer)', { field: 'querystring.after' });
  return Number(raw);
}

export function eventSocketRoute(app: FastifyInstance, deps: ApiDeps): void {
  const sockets = new Map<WebSocket, { alive: boolean }>();

  // One timer for all connections: ping, and drop those that did not answer the previous ping.
  const heartbeat = setInterval(() => {
    for (const [socket, state] of sockets) {
      if (!state.alive) {
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }, deps.eventsPingMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      websocket: true,
      preHandler: async (request) => {
        adoptQueryCredentials(request);
        const principal = await deps.auth.authenticate(request);
        if (!readPermissions.some((p) => hasPermission(principal, p))) {
          throw new MailroomError('INSUFFICIENT_PERMISSION', `the event stream requires one of ${readPermissions.join(', ')}`, {
            permission: readPermissions.join(' | '),
          });
        }
        request.principal = principal;
        resumeAfter(request);
      },
      schema: {
        tags: ['events'],
        summary: 'Live events over WebSocket (upgrade); resume with ?after=<eventId> or Last-Event-ID',
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'string' },
            api_key: { type: 'string' },
            project_id: { type: 'string' },
          },
        },
      },
    },
    (socket, request) => {
      const state = { alive: true };
      sockets.set(socket, state);
      socket.on('pong', () => (state.alive = true));
      socket.on('close', () => sockets.delete(socket));
      streamEvents({
        socket,
        principal: principalOf(request),
        hub: deps.eventHub,
        after: resumeAfter(request),
        maxBufferedBytes: deps.eventsMaxBufferedBytes,
        onError: (error) => request.log.warn({ err: error }, 'event stream error'),
      });
    },
  );
}
