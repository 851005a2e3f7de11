import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission, type Permission, type Principal } from '../core/auth/permissions.js';
import { MailroomError } from '../core/errors.js';
import type { ConsoleDeps } from './deps.js';
import type { PageContext } from './layout.js';

/** The signed-in principal; console routes behind the session hook always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new MailroomError('UNAUTHENTICATED', 'sign in first');
  return request.principal;
}

/** Throws a 403 the console shows as a message when the key may not do this. */
export function requirePermission(request: FastifyRequest, permission: Permission): Principal {
  const principal = principalOf(request);
  if (!hasPermission(principal, permission)) {
    throw new MailroomError('INSUFFICIENT_PERMISSION', `this key may not do that (it needs ${permission})`, { permission });
  }
  return principal;
}

export const can = (request: FastifyRequest, permission: Permission): boolean => hasPermission(principalOf(request), permission);

export async function pageContext(deps: ConsoleDeps, request: FastifyRequest, reply: FastifyReply, section: string): Promise<PageContext> {
  const principal = principalOf(request);
  const project = await deps.projects.getProject(principal.projectId);
  return { principal, projectName: project.name, csrfToken: reply.generateCsrf(), section };
}

/** True when htmx asked for a fragment rather than a whole page. */
export const wantsFragment = (request: FastifyRequest): boolean =>
  request.headers['hx-request'] === 'true' && request.headers['hx-boosted'] !== 'true' && request.headers['hx-history-restore-request'] !== 'true';

/** After a change: back to a page, with a message shown once (in the query, never anything secret). */
export function redirectWith(reply: FastifyReply, path: string, message: string): FastifyReply {
  const url = new URL(path, 'http://console.local');
  url.searchParams.set('done', message);
  return reply.redirect(url.pathname + url.search, 303);
}
