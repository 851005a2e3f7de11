import type { Enqueue } from '../outbox/enqueue.js';
import type { VerificationMailer } from './types.js';

/** Verification codes jump the queue: they are what a person is waiting for. */
export const verificationPriority = 10;

/** The built-in Register email, used when the project has no Register template of its own. */
export function defaultRegisterEmail(code: string, expiresInMinutes: number): { subject: string; html: string } {
  return {
    subject: `Your verification code: ${code}`,
    html:
      `<p>Use this code to verify your email address:</p>` +
      `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">${code}</p>` +
      `<p>It expires in ${expiresInMinutes} minutes. If you did not ask for it, ignore this email.</p>`,
  };
}

/** Sends the code through the normal outbox, as a high-priority transactional message. */
export function createVerificationMailer(deps: { enqueue: Enqueue }): VerificationMailer {
  return async ({ projectId, user, email, code, expiresInMinutes }) => {
    const content = defaultRegisterEmail(code, expiresInMinutes);
    await deps.enqueue(projectId, [
      {
        source: 'verification',
        recipient: { email },
        subject: content.subject,
        html: content.html,
        locale: user.locale,
        priority: verificationPriority,
        transactional: true,
      },
    ]);
  };
}
