import { describe, expect, it } from 'vitest';
import { mayRetry, retryDelay } from '../../src/delivery/backoff.js';
import { classifyError, enhancedCode, queueIdOf, retryHintMs } from '../../src/delivery/smtp-reply.js';

describe('SMTP replies and retry timing', () => {
  it('reads enhanced codes, retry hints and queue ids', () => {
    expect(enhancedCode('451 4.7.1 Greylisted')).toBe('4.7.1');
    expect(enhancedCode('250 OK')).toBeNull();
    expect(retryHintMs('451 4.7.1 Try again in 30 seconds')).toBe(30_000);
    expect(retryHintMs('421 please retry after 5 minutes')).toBe(300_000);
    expect(retryHintMs('451 busy')).toBeNull();
    expect(queueIdOf('250 2.0.0 Ok: queued as 4B7D21C0A3')).toBe('4B7D21C0A3');
  });

  it('classifies errors: 4xx and network failures retry, 5xx bounces', () => {
    expect(classifyError({ responseCode: 550, response: '550 5.1.1 No such user' })).toMatchObject({ kind: 'bounced', code: 550, enhancedCode: '5.1.1' });
    expect(classifyError({ responseCode: 452, response: '452 4.2.2 Mailbox full, try again in 10 seconds' })).toMatchObject({ kind: 'deferred', retryAfterMs: 10_000 });
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toMatchObject({ kind: 'deferred', code: null });
    expect(classifyError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }))).toMatchObject({ kind: 'failed' });
  });

  it('spreads the default budget of 8 attempts over about a day, with jitter, never before a hint', () => {
    const policy = { baseMs: 60_000, maxMs: 12 * 3_600_000, maxAttempts: 8 };
    const mid = () => 0.5;
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, attempt) => sum + retryDelay(attempt, policy, null, mid), 0);
    expect(total / 3_600_000).toBeGreaterThan(18);
    expect(total / 3_600_000).toBeLessThan(26);
    expect(retryDelay(1, policy, null, () => 0)).toBe(45_000);
    expect(retryDelay(1, policy, null, () => 1)).toBe(75_000);
    expect(retryDelay(3, policy, 2_000, () => 0)).toBe(2_000);
    expect(mayRetry(7, policy)).toBe(true);
    expect(mayRetry(8, policy)).toBe(false);
  });
});
