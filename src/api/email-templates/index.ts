import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { emailTemplatesFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { collectionRoutes } from './collection.js';
import { itemRoutes } from './item.js';

/** The typed email templates family (seed 004): `/api/email-templates`, Bearer keys, `{code, message, data?}` errors. */
export async function emailTemplatesApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, emailTemplatesFamily);
  collectionRoutes(app, deps);
  itemRoutes(app, deps);
}
