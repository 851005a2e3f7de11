import { afterEach, describe, expect, it } from 'vitest';
import { canTransition, isOutboxStatus, type OutboxStatus } from '../../src/core/outbox/lifecycle.js';
import { startDeliveringMailroom, send, settled } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/**
 * Every status change the SQL performs is recorded in outbox_transitions in
 * the same transaction (the accepted status, the first entry, on the row itself). Drive messages through every path (accept, promote,
 * claim, render error, send, deferral, bounce, server error, pause, resume,
 * cancel, reschedule, user edits) and check each recorded step against the one
 * state machine (lifecycle.ts).
 */
describe.each(engineKinds)('status changes against lifecycle.ts on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  it('every recorded transition is one the lifecycle allows', async () => {
    let deferred = 0;
    sink = await startSmtpSink({
      onRcpt: (address) => {
        if (address.startsWith('bounce')) return { code: 550, message: '5.1.1 no such user' };
        if (address.startsWith('defer') && deferred++ < 1) return { code: 451, message: '4.3.0 try later' };
        if (address.startsWith('broken')) return { code: 451, message: '4.3.0 always later' };
        return undefined;
      },
    });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_MAX_ATTEMPTS: '2' });
    const headers = m.serverHeaders;
    const patch = (id: string, body: unknown) => m!.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers, body });
    const ids = await send(
      m,
      { recipient: { email: 'ok@example.com' } },
      { recipient: { email: 'bounce@example.com' } },
      { recipient: { email: 'defer@example.com' } },
      { recipient: { email: 'broken@example.com' } },
      { recipient: { email: 'later@example.com' }, scheduledAt: Date.now() + 60_000 },
      { recipient: { email: 'soon@example.com' }, scheduledAt: Date.now() + 300 },
      { recipient: { userId: 'nobody' } },
      { recipient: { email: 'badtemplate@example.com' }, subject: null, html: null, templateId: 'missing-template' },
    );
    const [ok, bounced, defer, broken, later, soon, nobody, badTemplate] = ids as [string, string, string, string, string, string, string, string];
    // Edits while scheduled: pause, edit, resume, reschedule to now, then cancel another.
    expect((await patch(later, { status: 'paused' })).statusCode).toBe(200);
    expect((await patch(later, { subject: 'edited' })).statusCode).toBe(200);
    expect((await patch(later, { status: 'queued' })).statusCode).toBe(200);
    await settled(m, ok, ['sent']);
    await settled(m, bounced, ['bounced']);
    await settled(m, defer, ['sent']);
    await settled(m, broken, ['server-error', 'queued']);
    await settled(m, soon, ['sent']);
    await settled(m, nobody, ['skipped']);
    await settled(m, badTemplate, ['render-error']);
    await settled(m, later, ['sent', 'scheduled']);

    const rows = await m.core.engine.db
      .selectFrom('outbox_transitions')
      .select(['message_id', 'status', 'reason'])
      .where('message_id', 'in', ids)
      .orderBy('message_id')
      .orderBy('id')
      .execute();
    const seen = new Set<string>();
    const history = new Map<string, OutboxStatus[]>();
    // The first entry is the status each message was accepted in, kept on its row (migration 0011).
    const accepted = await m.core.engine.db.selectFrom('outbox_messages').select(['id', 'accepted_status']).where('id', 'in', ids).execute();
    for (const a of accepted) {
      expect(a.accepted_status, a.id).not.toBeNull();
      history.set(a.id, [a.accepted_status!]);
    }
    for (const r of rows) {
      expect(isOutboxStatus(r.status), r.status).toBe(true);
      history.set(r.message_id, [...(history.get(r.message_id) ?? []), r.status]);
    }
    for (const [id, statuses] of history) {
      expect(['scheduled', 'queued'], `${id} starts`).toContain(statuses[0]);
      for (let i = 1; i < statuses.length; i++) {
        const step = `${statuses[i - 1]} -> ${statuses[i]}`;
        seen.add(step);
        expect(canTransition(statuses[i - 1]!, statuses[i]!), `${id}: ${step} in ${statuses.join(', ')}`).toBe(true);
      }
    }
    // The paths above really ran (a walk that saw nothing proves nothing).
    for (const step of ['queued -> rendering', 'rendering -> sending', 'sending -> sent', 'sending -> bounced', 'sending -> queued', 'rendering -> skipped', 'rendering -> render-error', 'scheduled -> paused', 'paused -> scheduled']) {
      expect([...seen], step).toContain(step);
    }
  }, 60_000);
});
