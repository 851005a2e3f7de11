import type { Clock } from '../core/clock.js';
import type { ProjectService } from '../core/projects/projects.js';
import type { Authenticator } from './shared/auth.js';
import type { SuppressionService } from '../core/suppressions/suppressions.js';
import type { InboxService } from '../core/delivery/inbox.js';
import type { OneClickUnsubscribe } from '../core/suppressions/one-click-unsubscribe.js';

/** What the HTTP layer is given by the composition root: core services, never the store. */
export interface ApiDeps {
  clock: Clock;
  auth: Authenticator;
  projects: ProjectService;
  /** Readiness probe: resolves when the database answers. */
  checkReady: () => Promise<void>;
  rootKey: string | undefined;
  bodyLimit: number;
  suppressions: SuppressionService;
  /** The capture transport's mailbox (dev inbox). */
  inbox: InboxService;
  /** Base URL of links placed in emails. */
  publicUrl: string;
  unsubscribe: OneClickUnsubscribe;
}
