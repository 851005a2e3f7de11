import type { AttemptRecord, Outcome } from '../core/delivery/types.js';
import { mayRetry, retryDelay, type RetryPolicy } from './backoff.js';
import type { SendResult } from './smtp-reply.js';

export const lostAckReason =
  'the connection dropped after the message was sent and before the server replied: it may have been accepted; resending with the same Message-ID (possible duplicate)';

/** Turns one SMTP result into the row's next status and its attempt record. */
export function outcomeOf(input: {
  id: string;
  projectId: string;
  recipient: string;
  attempt: number;
  startedAt: number;
  now: number;
  result: SendResult;
  policy: RetryPolicy;
}): Outcome {
  const { id, result, attempt, now } = input;
  const record = (outcome: AttemptRecord['outcome']): AttemptRecord => ({
    attempt,
    startedAt: input.startedAt,
    finishedAt: now,
    outcome,
    smtpCode: result.kind === 'unknown' ? null : result.code,
    enhancedCode: result.kind === 'unknown' ? null : result.enhancedCode,
    response: result.response,
  });
  const retry = (outcome: AttemptRecord['outcome'], reason: string, hintMs: number | null): Outcome => {
    if (!mayRetry(attempt, input.policy)) {
      return { id, status: 'server-error', reason: `gave up after ${attempt} attempts; last: ${reason}`, attempt: record(outcome) };
    }
    return { id, status: 'queued', runAt: now + retryDelay(attempt, input.policy, hintMs), reason: `${outcome} (attempt ${attempt}): ${reason}`, attempt: record(outcome) };
  };
  switch (result.kind) {
    case 'sent':
      return { id, status: 'sent', response: result.response, queueId: result.queueId, attempt: record('sent'), ...(result.captured ? { reason: 'captured' as const } : {}) };
    case 'bounced':
      return {
        id,
        status: 'bounced',
        reason: `the receiving server refused the message [${result.rule}]: ${result.response}`,
        attempt: record('bounced'),
        suppress: result.suppress ? { projectId: input.projectId, email: input.recipient, detail: `${result.rule}: ${result.response}` } : null,
      };
    case 'failed':
      return { id, status: 'server-error', reason: result.response, attempt: record('failed') };
    case 'deferred':
      return retry('deferred', result.response, result.retryAfterMs);
    case 'unknown':
      // Counted like a crash after hand-off: every possible duplicate carries an `interrupted` attempt.
      return retry('interrupted', `${lostAckReason} (${result.response})`, null);
  }
}
