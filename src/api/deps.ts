import type { Clock } from '../core/clock.js';
import type { ProjectService } from '../core/projects/projects.js';
import type { Authenticator } from './shared/auth.js';
import type { EventHub } from '../core/events/hub.js';
import type { WebhookService } from '../core/webhooks/webhooks.js';

/** What the HTTP layer is given by the composition root: core services, never the store. */
export interface ApiDeps {
  clock: Clock;
  auth: Authenticator;
  projects: ProjectService;
  /** Readiness probe: resolves when the database answers. */
  checkReady: () => Promise<void>;
  rootKey: string | undefined;
  bodyLimit: number;
  /** Live events for the WebSocket endpoint. */
  eventHub: EventHub;
  webhooks: WebhookService;
  eventsPingMs: number;
  eventsMaxBufferedBytes: number;
}
