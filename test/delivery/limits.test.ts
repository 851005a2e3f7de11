import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/store/index.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { eventually, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { attemptsOf, message, send, settled, startDeliveringMailroom } from './helpers.js';

/** Delivery at the limit: refusals that are not the address's fault, 4xx storms, lost acknowledgements, shutdown deadline. */
describe.each(engineKinds)('delivery at the limit on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  async function suppressions(t: TestMailroom): Promise<{ email: string; detail: string | null }[]> {
    return (await t.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: t.serverHeaders })).json().items;
  }

  it('550 5.7.1 (a blocklist) ends the message without suppressing; 550 5.1.1 (no such user) suppresses, naming the rule', async () => {
    sink = await startSmtpSink({
      onRcpt: (address) =>
        address === 'blocked@example.com'
          ? { code: 550, message: '5.7.1 Service unavailable; Client host [203.0.113.9] blocked using bl.spamcop.net' }
          : address === 'gone@example.com'
            ? { code: 550, message: '5.1.1 <gone@example.com>: Recipient address rejected: User unknown' }
            : undefined,
    });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const [blocked, gone] = await send(m, { recipient: { email: 'blocked@example.com' } }, { recipient: { email: 'gone@example.com' } });
    const policy = await settled(m, blocked!, ['bounced']);
    expect(policy.lastError).toMatch(/5\.7\.1 \(security or policy\): refused, address not suppressed.*spamcop/);
    const fault = await settled(m, gone!, ['bounced']);
    expect(fault.lastError).toMatch(/5\.1\.1 \(bad destination mailbox address\): address suppressed/);
    expect(await attemptsOf(m, blocked!)).toEqual([expect.objectContaining({ outcome: 'bounced', smtp_code: 550, enhanced_code: '5.7.1' })]);
    const list = await suppressions(m);
    expect(list).toEqual([expect.objectContaining({ email: 'gone@example.com', detail: expect.stringMatching(/^5\.1\.1 \(bad destination mailbox address\)/) })]);
    // The blocked address is fine: the next message to it is tried again (and goes out once the block is lifted).
    const [again] = await send(m, { recipient: { email: 'blocked@example.com' }, subject: 'again' });
    expect((await settled(m, again!, ['bounced'])).skipReason).toBeNull();
  });

  it('a storm of 4xx replies reuses the open connections (RSET) instead of reconnecting for each reply', async () => {
    sink = await startSmtpSink({ onRcpt: () => ({ code: 451, message: '4.7.1 Greylisted, try again later' }) });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_SMTP_MAX_CONNECTIONS: '2', MAILROOM_RETRY_BASE_MS: '60000' });
    const ids = await m.core.enqueue(m.project.project_id, Array.from({ length: 60 }, (_, i) => message({ recipient: { email: `storm${i}@example.com` } })));
    await eventually(async () => {
      const deferred = await m!.core.engine.db.selectFrom('delivery_attempts').select('message_id').where('outcome', '=', 'deferred').execute();
      return deferred.length >= ids.length ? true : undefined;
    }, 20_000);
    expect(sink.connections()).toBeLessThanOrEqual(2);
    const attempts = await attemptsOf(m, ids[0]!);
    expect(attempts).toEqual([expect.objectContaining({ outcome: 'deferred', smtp_code: 451, enhanced_code: '4.7.1' })]);
  });

  it('a connection dropped after the final dot and before the reply records an interrupted attempt; the resend is the same message', async () => {
    let dropped = 0;
    sink = await startSmtpSink({ dropAfterData: () => dropped++ === 0 });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_RETRY_BASE_MS: '20' });
    const [id] = await send(m, { recipient: { email: 'lost-ack@example.com' } });
    await settled(m, id!, ['sent']);
    expect((await attemptsOf(m, id!)).map((a) => a.outcome)).toEqual(['interrupted', 'sent']);
    // The server had the first copy: a duplicate, carrying the same Message-ID, and counted by the interrupted attempt.
    expect(sink.received).toHaveLength(2);
    expect(sink.received[0]!.messageId).toBe(sink.received[1]!.messageId);
  });

  it('shuts down within MAILROOM_SHUTDOWN_TIMEOUT_MS with slow replies: unsent work back at once, replies still out recorded as interrupted', async () => {
    sink = await startSmtpSink({ delayMs: 8000 });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_SHUTDOWN_TIMEOUT_MS: '1000', MAILROOM_SMTP_MAX_CONNECTIONS: '3', MAILROOM_BATCH_SIZE: '50' });
    const ids = await m.core.enqueue(m.project.project_id, Array.from({ length: 50 }, (_, i) => message({ recipient: { email: `slow${i}@example.com` } })));
    await eventually(async () => (sink!.awaitingReply() >= 3 ? true : undefined), 15_000);
    const url = m.config.databaseUrl;
    const started = Date.now();
    const stopping = m;
    m = undefined;
    await stopping.close();
    // The 1 s deadline plus the time to record and close (seconds on a loaded machine), well below the 8 s
    // a reply takes: waiting for the replies instead of the deadline could not finish in time.
    expect(Date.now() - started).toBeLessThan(6000);
    const inspect = await openEngine(url);
    try {
      const rows = await inspect.db.selectFrom('outbox_messages').select(['id', 'status', 'lease_owner', 'attempts']).execute();
      expect(rows).toHaveLength(ids.length);
      expect(rows.every((r) => r.status === 'queued' && r.lease_owner === null)).toBe(true);
      const attempts = await inspect.db.selectFrom('delivery_attempts').select(['message_id', 'outcome', 'response']).execute();
      // Only what was on the wire is in doubt: at most twice the 3 connections, each one counted.
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(attempts.length).toBeLessThanOrEqual(6);
      expect(attempts.every((a) => a.outcome === 'interrupted' && /shutdown deadline/.test(a.response ?? ''))).toBe(true);
      // Everything else went back untouched: no attempt spent.
      const tried = new Set(attempts.map((a) => a.message_id));
      expect(rows.filter((r) => !tried.has(r.id)).every((r) => Number(r.attempts) === 0)).toBe(true);
    } finally {
      await inspect.close();
    }
  });
});
