import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { stackFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { projectRoutes } from './project.js';
import { keyRoutes } from './keys.js';
import { userTokenRoutes } from './user-tokens.js';
import { userRoutes } from './users.js';
import { sendEmailRoute } from './send-email.js';
import { outboxRoutes } from './outbox.js';
import { draftRoutes } from './drafts.js';
import { suppressionRoutes } from './suppressions.js';
import { devInboxRoutes } from './dev-inbox.js';

/** The outbox family (seeds 000, 001): `/api/v1/...`, snake_case, ISO times, `{code, error}` errors. */
export async function stackApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, stackFamily);
  projectRoutes(app, deps);
  keyRoutes(app, deps);
  userTokenRoutes(app, deps);
  userRoutes(app, deps);
  sendEmailRoute(app, deps);
  outboxRoutes(app, deps);
  draftRoutes(app, deps);
  suppressionRoutes(app, deps);
  devInboxRoutes(app, deps);
}
