import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { mailFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { sendRoute } from './send.js';
import { emailReadRoutes } from './emails.js';
import { batchRoute } from './batch.js';
import { broadcastRoute } from './broadcast.js';
import { cancelResendRoutes } from './cancel-resend.js';

/** The mail family (seed 003): `/mail/...`, Bearer keys, camelCase, ISO times, `{code, message}` errors. */
export async function mailApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, mailFamily);
  sendRoute(app, deps);
  emailReadRoutes(app, deps);
  batchRoute(app, deps);
  broadcastRoute(app, deps);
  cancelResendRoutes(app, deps);
}
