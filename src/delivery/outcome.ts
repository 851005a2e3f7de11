import type { AttemptRecord, Outcome } from '../core/delivery/types.js';
import { mayRetry, retryDelay, type RetryPolicy } from './backoff.js';
import type { SendResult } from './smtp-reply.js';

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
    smtpCode: result.code,
    enhancedCode: result.enhancedCode,
    response: result.response,
  });
  switch (result.kind) {
    case 'sent':
      return { id, status: 'sent', response: result.response, queueId: result.queueId, attempt: record('sent'), ...(result.captured ? { reason: 'captured' as const } : {}) };
    case 'bounced':
      return {
        id,
        status: 'bounced',
        reason: `the receiving server refused the message: ${result.response}`,
        attempt: record('bounced'),
        suppress: { projectId: input.projectId, email: input.recipient },
      };
    case 'failed':
      return { id, status: 'server-error', reason: result.response, attempt: record('failed') };
    case 'deferred':
      if (!mayRetry(attempt, input.policy)) {
        return { id, status: 'server-error', reason: `gave up after ${attempt} attempts; last reply: ${result.response}`, attempt: record('deferred') };
      }
      return {
        id,
        status: 'queued',
        runAt: now + retryDelay(attempt, input.policy, result.retryAfterMs),
        reason: `deferred (attempt ${attempt}): ${result.response}`,
        attempt: record('deferred'),
      };
  }
}
