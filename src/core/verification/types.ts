export type VerificationStatus = 'unregistered' | 'pending_verification' | 'verified';

export interface EmailVerification {
  id: string;
  projectId: string;
  userId: string;
  email: string;
  codeHash: string;
  expiresAt: number;
  attempts: number;
  lastSentAt: number;
  verifiedAt: number | null;
  /** Set when a newer registration replaced it or its attempts ran out. */
  voidedAt: number | null;
  createdAt: number;
}

export interface VerificationUser {
  id: string;
  primaryEmail: string | null;
  primaryEmailVerified: boolean;
  locale: string | null;
  displayName: string | null;
}

export interface VerificationStore {
  getUser(projectId: string, userId: string): Promise<VerificationUser | undefined>;
  /** The newest verification of the user that is neither verified nor void. */
  findPending(projectId: string, userId: string): Promise<EmailVerification | undefined>;
  /** Voids the user's pending verifications and inserts this one, in one transaction. */
  replacePending(verification: EmailVerification, at: number): Promise<void>;
  /** Replaces the code of a pending verification (a resend). */
  updateCode(id: string, patch: { codeHash: string; expiresAt: number; lastSentAt: number }): Promise<void>;
  /**
   * Counts one attempt, only while the verification is pending and under `maxAttempts`;
   * returns the new count, or undefined when no attempt may be made. Counting before
   * comparing is what keeps parallel guesses inside the limit.
   */
  claimAttempt(id: string, maxAttempts: number): Promise<number | undefined>;
  voidVerification(id: string, at: number): Promise<void>;
  /**
   * Marks it verified and makes the address the user's verified primary email, in one
   * transaction; false when it was no longer pending (verified or voided meanwhile).
   */
  completeVerification(verification: EmailVerification, at: number): Promise<boolean>;
  /** Registration requests since `since`, counted per user and per client address within the project. */
  countSends(projectId: string, since: number, by: { userId: string } | { clientAddress: string }): Promise<number>;
  recordSend(projectId: string, userId: string, clientAddress: string, at: number): Promise<void>;
}

/** Sends the code to the address through the normal outbox, in the user's locale. */
export type VerificationMailer = (input: {
  projectId: string;
  user: VerificationUser;
  email: string;
  code: string;
  expiresInMinutes: number;
}) => Promise<void>;
