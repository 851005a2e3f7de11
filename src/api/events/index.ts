import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { stackFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { deliveryRoutes } from './delivery-routes.js';
import { eventSocketRoute } from './socket-route.js';
import { webhookRoutes } from './webhook-routes.js';

/** Live events (`/api/v1/events`, WebSocket) and webhooks (`/api/v1/webhooks`), in the stack family's conventions. */
export async function eventsApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, stackFamily);
  // Runs before the plugin's own preClose (hooks run in order): tell clients why, so they reconnect elsewhere or later.
  app.addHook('preClose', async () => {
    for (const client of app.websocketServer.clients) client.close(1001, 'server shutting down');
  });
  // Frames larger than any client message we expect are refused; clients only read.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  eventSocketRoute(app, deps);
  webhookRoutes(app, deps);
  deliveryRoutes(app, deps);
}
