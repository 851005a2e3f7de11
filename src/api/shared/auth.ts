import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { looksLikeApiKey } from '../../core/auth/api-keys.js';
import { hasPermission, type KeyKind, type Permission, type Principal } from '../../core/auth/permissions.js';
import { MailroomError } from '../../core/errors.js';
import type { ProjectService } from '../../core/projects/projects.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Resolves an end-user token to a user id within a project (end-user endpoints). */
export type UserTokenVerifier = (token: string, projectId: string | undefined) => Promise<{ projectId: string; userId: string }>;

export interface AuthDeps {
  projects: ProjectService;
  verifyUserToken?: UserTokenVerifier;
}

// Stack Auth's SDKs send x-stack-*; the newest ones send the same headers as x-hexclave-*.
function stackHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[`x-stack-${name}`] ?? request.headers[`x-hexclave-${name}`];
  return Array.isArray(value) ? value[0] : value || undefined;
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const authMark = Symbol('mailroom.auth');

/**
 * Marks a hook as the route's authentication. Routes declare it as a preHandler;
 * app.ts moves every marked hook to onRequest, so a request without valid
 * credentials is refused before its body is read or parsed.
 */
export function authHook<T extends preHandlerAsyncHookHandler>(hook: T): T {
  return Object.assign(hook, { [authMark]: true });
}

export function isAuthHook(hook: unknown): boolean {
  return typeof hook === 'function' && (hook as unknown as Record<symbol, unknown>)[authMark] === true;
}

/** `header` names the Stack header the key came in (the Stack family turns it into Stack's own error code). */
const invalidKey = (header?: string, projectId?: string) =>
  new MailroomError('INVALID_API_KEY', 'the API key is invalid or has been revoked', header ? { header, project_id: projectId } : undefined);

export function createAuthenticator(deps: AuthDeps) {
  async function keyPrincipal(key: string, acceptedKinds: readonly KeyKind[], projectId: string | undefined, header?: string): Promise<Principal> {
    const principal = await deps.projects.authenticateKey(key);
    if (!principal || !acceptedKinds.includes(principal.keyKind)) throw invalidKey(header, projectId);
    if (projectId !== undefined && projectId !== principal.projectId) {
      throw new MailroomError(
        'PROJECT_KEY_MISMATCH',
        'the key does not belong to the project named by x-stack-project-id',
        header ? { header, project_id: projectId } : undefined,
      );
    }
    return principal;
  }

  /** Who is calling: a key's principal, possibly with an end-user attached. */
  async function authenticate(request: FastifyRequest): Promise<Principal> {
    const projectId = stackHeader(request, 'project-id');
    const secretKey = stackHeader(request, 'secret-server-key');
    const adminToken = stackHeader(request, 'admin-access-token');
    const publishableKey = stackHeader(request, 'publishable-client-key');
    const superSecretAdminKey = stackHeader(request, 'super-secret-admin-key');
    const bearer = bearerToken(request);

    if (secretKey || adminToken || publishableKey || superSecretAdminKey) {
      if (!projectId) throw new MailroomError('PROJECT_ID_REQUIRED', 'x-stack-project-id is required with x-stack-* keys');
      let principal: Principal;
      // The strongest credential presented decides, and a wrong one is refused even beside a valid weaker key.
      if (superSecretAdminKey) principal = await keyPrincipal(superSecretAdminKey, ['admin'], projectId, 'super-secret-admin-key');
      else if (adminToken) principal = await keyPrincipal(adminToken, ['admin'], projectId, 'admin-access-token');
      // An admin key may do whatever a server key may, so it is accepted where one is.
      else if (secretKey) principal = await keyPrincipal(secretKey, ['secret', 'scoped', 'admin'], projectId, 'secret-server-key');
      else principal = await keyPrincipal(publishableKey!, ['publishable'], projectId, 'publishable-client-key');
      if (bearer && !looksLikeApiKey(bearer)) return withUser(principal, bearer);
      return principal;
    }
    if (bearer && looksLikeApiKey(bearer)) {
      return keyPrincipal(bearer, ['secret', 'admin', 'scoped', 'publishable'], projectId);
    }
    if (bearer) {
      // A bare end-user token: its audience names the project; the project header, when sent, must agree.
      if (!deps.verifyUserToken) throw invalidKey();
      const { projectId: tokenProject, userId } = await deps.verifyUserToken(bearer, projectId);
      return { projectId: tokenProject, keyId: '', keyKind: 'publishable', permissions: [], userId };
    }
    throw new MailroomError('UNAUTHENTICATED', 'send an API key: x-stack-secret-server-key with x-stack-project-id, or Authorization: Bearer');
  }

  async function withUser(principal: Principal, token: string): Promise<Principal> {
    if (!deps.verifyUserToken) throw invalidKey();
    const { userId } = await deps.verifyUserToken(token, principal.projectId);
    return { ...principal, userId };
  }

  /** A preHandler that authenticates and, when given, checks a permission. */
  function require(permission?: Permission): preHandlerAsyncHookHandler {
    return authHook(async (request) => {
      const principal = await authenticate(request);
      if (permission && !hasPermission(principal, permission)) {
        throw new MailroomError('INSUFFICIENT_PERMISSION', `this endpoint requires the permission ${permission}`, { permission });
      }
      request.principal = principal;
    });
  }

  /** A preHandler for end-user endpoints: a key of the project plus an end-user token. */
  function requireUser(): preHandlerAsyncHookHandler {
    return authHook(async (request) => {
      const principal = await authenticate(request);
      if (!principal.userId) {
        throw new MailroomError('INVALID_ACCESS_TOKEN', 'this endpoint acts for an end user: send their token as Authorization: Bearer');
      }
      request.principal = principal;
    });
  }

  return { authenticate, require, requireUser };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;

/** The principal a preHandler established; routes behind `require` always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new MailroomError('UNAUTHENTICATED', 'this endpoint requires credentials');
  return request.principal;
}

/** Constant-time comparison for the operator credential. */
export function matchesSecret(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
