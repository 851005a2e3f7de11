import type { Clock } from '../core/clock.js';
import type { ProjectService } from '../core/projects/projects.js';
import type { Authenticator } from './shared/auth.js';
import type { UserService } from '../core/users/users.js';
import type { DraftService } from '../core/drafts/drafts.js';
import type { SendService } from '../core/outbox/send.js';
import type { OutboxQueries } from '../core/outbox/query.js';
import type { OutboxEditor } from '../core/outbox/edit.js';
import type { Idempotency } from '../core/idempotency/idempotency.js';

/** What the HTTP layer is given by the composition root: core services, never the store. */
export interface ApiDeps {
  clock: Clock;
  auth: Authenticator;
  projects: ProjectService;
  /** Readiness probe: resolves when the database answers. */
  checkReady: () => Promise<void>;
  rootKey: string | undefined;
  bodyLimit: number;
  users: UserService;
  drafts: DraftService;
  send: SendService;
  outboxQueries: OutboxQueries;
  outboxEditor: OutboxEditor;
  idempotency: Idempotency;
}
