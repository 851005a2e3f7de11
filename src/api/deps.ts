import type { Clock } from '../core/clock.js';
import type { ProjectService } from '../core/projects/projects.js';
import type { UserTokens } from '../core/auth/user-tokens.js';
import type { VerificationService } from '../core/verification/verification.js';
import type { Authenticator } from './shared/auth.js';

/** What the HTTP layer is given by the composition root: core services, never the store. */
export interface ApiDeps {
  clock: Clock;
  auth: Authenticator;
  projects: ProjectService;
  userTokens: UserTokens;
  verification: VerificationService;
  /** Readiness probe: resolves when the database answers. */
  checkReady: () => Promise<void>;
  rootKey: string | undefined;
  bodyLimit: number;
}
