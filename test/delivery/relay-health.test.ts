import { describe, expect, it } from 'vitest';
import type { Logger } from 'pino';
import { createRelayHealth } from '../../src/delivery/transports/relay-health.js';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  return { lines, logger: { warn: at('warn'), error: at('error'), info: at('info') } as unknown as Logger };
}

describe('relay health: circuit breaker and failure logs per relay', () => {
  it('opens after three connection failures in a row: later opens fail at once without connecting, until a probe is due', async () => {
    const { lines, logger } = recordingLogger();
    const health = createRelayHealth({ relay: 'smtp:relay.example:587', logger, probeDelayMs: 60_000 });
    let connects = 0;
    const refused = async () => {
      connects++;
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' });
    };
    for (let i = 0; i < 3; i++) await expect(health.open(refused)).rejects.toMatchObject({ code: 'ECONNECTION' });
    await expect(health.open(refused)).rejects.toMatchObject({ code: 'ECIRCUIT' });
    await expect(health.open(refused)).rejects.toMatchObject({ code: 'ECIRCUIT' });
    expect(connects).toBe(3);
    expect(lines.some((l) => l.msg.includes('circuit opened') && l.fields.relay === 'smtp:relay.example:587')).toBe(true);
  });

  it('waiting for a connection slot is not the relay failing', async () => {
    const { logger } = recordingLogger();
    const health = createRelayHealth({ relay: 'smtp:relay.example:587', logger });
    const busy = async () => {
      throw Object.assign(new Error('all slots busy'), { code: 'ESLOTS' });
    };
    for (let i = 0; i < 5; i++) await expect(health.open(busy)).rejects.toMatchObject({ code: 'ESLOTS' });
    await expect(health.open(async () => 'session')).resolves.toBe('session');
  });

  it('logs failures with the relay at most once per interval, counting the rest, and escalates to error when they persist', () => {
    const { lines, logger } = recordingLogger();
    let now = 0;
    const health = createRelayHealth({ relay: 'smtp:relay.example:587', logger, logEveryMs: 10_000, escalateAfterMs: 60_000, now: () => now });
    const failure = Object.assign(new Error('greeting never received'), { code: 'ETIMEDOUT' });
    for (now = 0; now <= 70_000; now += 1000) health.logFailure(failure);
    const failures = lines.filter((l) => l.msg.startsWith('SMTP relay'));
    expect(failures).toHaveLength(8);
    expect(failures[0]).toMatchObject({ level: 'warn', fields: { relay: 'smtp:relay.example:587', code: 'ETIMEDOUT', suppressedSinceLastLog: 0 } });
    expect(failures[1]).toMatchObject({ level: 'warn', fields: { suppressedSinceLastLog: 9 } });
    expect(failures.at(-1)).toMatchObject({ level: 'error', fields: { failingForMs: 70_000 } });
  });
});
