import { decodeJwt, jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { Clock } from '../clock.js';
import { MailroomError, notFound } from '../errors.js';
import type { ProjectStore } from '../projects/types.js';

/**
 * End-user tokens: HS256 JWTs signed with the project's signing secret,
 * `sub` = user id, `aud` = project id, `exp` required. An app's backend can
 * mint them itself with the secret, or ask Mailroom to (`mint`).
 */
export interface UserTokenDeps {
  projects: Pick<ProjectStore, 'getProject'>;
  clock: Clock;
  userExists: (projectId: string, userId: string) => Promise<boolean>;
}

const invalidToken = (why: string) => new MailroomError('INVALID_ACCESS_TOKEN', `the end-user token is not valid: ${why}`);

export function createUserTokens(deps: UserTokenDeps) {
  async function secretOf(projectId: string): Promise<Uint8Array> {
    const project = await deps.projects.getProject(projectId);
    if (!project) throw invalidToken('unknown project');
    return new TextEncoder().encode(project.signingSecret);
  }

  return {
    /** Mints a token for an existing user of the project (the server-key endpoint). */
    async mintForUser(projectId: string, userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
      if (!(await deps.userExists(projectId, userId))) throw notFound('user', userId);
      return this.mint(projectId, userId, ttlSeconds);
    },

    async mint(projectId: string, userId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
      const nowSeconds = Math.floor(deps.clock.now() / 1000);
      const exp = nowSeconds + ttlSeconds;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setAudience(projectId)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(exp)
        .sign(await secretOf(projectId));
      return { token, expiresAt: exp * 1000 };
    },

    /**
     * Verifies a token; `expectedProjectId`, when the request names a project,
     * must be the token's audience.
     */
    async verify(token: string, expectedProjectId: string | undefined): Promise<{ projectId: string; userId: string }> {
      let claims: ReturnType<typeof decodeJwt>;
      try {
        claims = decodeJwt(token);
      } catch {
        throw invalidToken('malformed');
      }
      const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
      if (typeof audience !== 'string') throw invalidToken('no audience');
      if (expectedProjectId !== undefined && audience !== expectedProjectId) throw invalidToken('issued for another project');
      try {
        const { payload } = await jwtVerify(token, await secretOf(audience), {
          algorithms: ['HS256'],
          audience,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(deps.clock.now()),
        });
        return { projectId: audience, userId: payload.sub! };
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) throw invalidToken('expired');
        if (error instanceof MailroomError) throw error;
        throw invalidToken(error instanceof Error ? error.message : 'verification failed');
      }
    },
  };
}

export type UserTokens = ReturnType<typeof createUserTokens>;
