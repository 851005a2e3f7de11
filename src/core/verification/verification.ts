import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { MailroomError } from '../errors.js';
import { parseMailbox } from '../outbox/address.js';
import type { ProjectService } from '../projects/projects.js';
import type { VerificationMailer, VerificationStatus, VerificationStore } from './types.js';

export interface VerificationOptions {
  codeTtlMs: number;
  maxAttempts: number;
  resendCooldownMs: number;
  /** Registration requests per user, and per client address, within one hour. */
  maxSendsPerUserPerHour: number;
  maxSendsPerAddressPerHour: number;
}

export const defaultVerificationOptions: VerificationOptions = {
  codeTtlMs: 10 * 60_000,
  maxAttempts: 5,
  resendCooldownMs: 60_000,
  maxSendsPerUserPerHour: 10,
  maxSendsPerAddressPerHour: 30,
};

const hour = 3_600_000;

const notPending = () => new MailroomError('VERIFICATION_NOT_PENDING', 'there is no verification in progress: register an email first');

function rateLimited(message: string, retryAfterMs: number): MailroomError {
  return new MailroomError('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

/**
 * The "verify your email address" flow for an app's end users. Codes are
 * six digits, stored as an HMAC under the project's secret, compared in
 * constant time, short-lived, single use and void after a few wrong tries.
 */
export function createVerificationService(deps: {
  store: VerificationStore;
  projects: ProjectService;
  clock: Clock;
  sendCode: VerificationMailer;
  options?: Partial<VerificationOptions>;
}) {
  const options = { ...defaultVerificationOptions, ...deps.options };
  const { store, clock } = deps;

  async function hashCode(projectId: string, verificationId: string, code: string): Promise<string> {
    const { signingSecret } = await deps.projects.getProject(projectId);
    return createHmac('sha256', signingSecret).update(`${verificationId}:${code}`).digest('hex');
  }

  async function requireUser(projectId: string, userId: string) {
    const user = await store.getUser(projectId, userId);
    if (!user) throw new MailroomError('INVALID_ACCESS_TOKEN', 'the token names a user that does not exist in this project');
    return user;
  }

  const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

  return {
    async status(projectId: string, userId: string): Promise<{ status: VerificationStatus; email?: string }> {
      const user = await requireUser(projectId, userId);
      const pending = await store.findPending(projectId, userId);
      if (pending) return { status: 'pending_verification', email: pending.email };
      if (user.primaryEmail && user.primaryEmailVerified) return { status: 'verified', email: user.primaryEmail };
      return { status: 'unregistered' };
    },

    async register(projectId: string, userId: string, rawEmail: string, clientAddress: string): Promise<void> {
      const user = await requireUser(projectId, userId);
      const email = parseMailbox('body.email', rawEmail).address;
      const now = clock.now();
      const pending = await store.findPending(projectId, userId);
      const sameAddress = pending && pending.email.toLowerCase() === email.toLowerCase();
      if (sameAddress && now - pending.lastSentAt < options.resendCooldownMs) {
        throw rateLimited('a code was sent moments ago; wait before asking for another', options.resendCooldownMs - (now - pending.lastSentAt));
      }
      if ((await store.countSends(projectId, now - hour, { userId })) >= options.maxSendsPerUserPerHour) {
        throw rateLimited('too many verification emails for this user; try again later', hour);
      }
      if ((await store.countSends(projectId, now - hour, { clientAddress })) >= options.maxSendsPerAddressPerHour) {
        throw rateLimited('too many verification emails from this address; try again later', hour);
      }

      const code = newCode();
      let verificationId: string;
      if (sameAddress) {
        // A resend: a fresh code replaces the old one, and the attempt count stays.
        verificationId = pending.id;
        await store.updateCode(pending.id, { codeHash: await hashCode(projectId, pending.id, code), expiresAt: now + options.codeTtlMs, lastSentAt: now });
      } else {
        verificationId = randomUUID();
        await store.replacePending(
          {
            id: verificationId,
            projectId,
            userId,
            email,
            codeHash: await hashCode(projectId, verificationId, code),
            expiresAt: now + options.codeTtlMs,
            attempts: 0,
            lastSentAt: now,
            verifiedAt: null,
            voidedAt: null,
            createdAt: now,
          },
          now,
        );
      }
      try {
        await deps.sendCode({ projectId, user, email, code, expiresInMinutes: Math.round(options.codeTtlMs / 60_000) });
      } catch (error) {
        // Nobody received this code: void it, so the user may ask again at once instead of waiting out a cooldown.
        await store.voidVerification(verificationId, now);
        throw error;
      }
      await store.recordSend(projectId, userId, clientAddress, now);
    },

    async verify(projectId: string, userId: string, code: string): Promise<{ status: VerificationStatus; verifiedAt: number }> {
      await requireUser(projectId, userId);
      const pending = await store.findPending(projectId, userId);
      if (!pending) throw notPending();
      const now = clock.now();
      if (now >= pending.expiresAt) {
        throw new MailroomError('VERIFICATION_CODE_EXPIRED', 'the code has expired: register again to get a new one');
      }
      const attempts = await store.claimAttempt(pending.id, options.maxAttempts);
      if (attempts === undefined) throw notPending();
      const expected = Buffer.from(pending.codeHash, 'hex');
      const presented = Buffer.from(await hashCode(projectId, pending.id, code), 'hex');
      if (!timingSafeEqual(expected, presented)) {
        const attemptsLeft = Math.max(0, options.maxAttempts - attempts);
        if (attemptsLeft === 0) {
          await store.voidVerification(pending.id, now);
          throw new MailroomError('VERIFICATION_CODE_VOID', 'too many wrong codes: this code is void, register again to get a new one');
        }
        throw new MailroomError('VERIFICATION_CODE_INVALID', 'the code is not correct', { attemptsLeft });
      }
      if (!(await store.completeVerification(pending, now))) throw notPending();
      return { status: 'verified', verifiedAt: now };
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
