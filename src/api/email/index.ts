import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { emailFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { blockRoutes } from './blocks.js';
import { previewRoutes } from './preview.js';
import { renderRoutes } from './render.js';
import { templateRoutes } from './templates.js';
import { verificationRoutes } from './verification.js';

/** The email module family (seed 002): `/api/v1/email/...`, camelCase, epoch-ms times, `{code, message, details?}` errors. */
export async function emailApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, emailFamily);
  blockRoutes(app, deps);
  templateRoutes(app, deps);
  renderRoutes(app, deps);
  previewRoutes(app, deps);
  verificationRoutes(app, deps);
}
