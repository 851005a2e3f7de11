import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { resendFamily } from '../shared/families.js';
import { useFamilyErrors } from '../shared/family-plugin.js';
import { emailRoutes } from './emails.js';
import { sendRoutes } from './send.js';

/** The Resend-compatible family: `/emails...`, Resend's snake_case fields, `{statusCode, name, message}` errors. */
export async function resendApi(app: FastifyInstance, { deps }: { deps: ApiDeps }): Promise<void> {
  useFamilyErrors(app, resendFamily);
  sendRoutes(app, deps);
  emailRoutes(app, deps);
}
