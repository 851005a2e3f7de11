import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth';
import { afterEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { attemptsOf, row, send, settled, startDeliveringMailroom } from './helpers.js';

describe.each(engineKinds)('delivery over SMTP on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  it('delivers one MIME message per row: headers, generated text part, attachments, List-Unsubscribe; records the attempt', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const statuses: string[] = [];
    m.core.events.on('email:status', (e) => statuses.push(e.status));
    const [id] = await send(m, {
      recipient: { email: 'Reader@Example.com' },
      from: '"Acme Support" <support@acme.test>',
      replyTo: 'help@acme.test',
      cc: ['cc@example.com'],
      bcc: ['hidden@example.com'],
      subject: 'Your receipt',
      html: '<h1>Thanks</h1><p>Order <b>42</b> is on its way.</p>',
      headers: { 'X-Campaign': 'spring' },
      attachments: [{ filename: 'receipt.txt', content: Buffer.from('total: 10 EUR').toString('base64'), contentType: 'text/plain' }],
      transactional: false,
    });
    await sink.waitFor(1);
    const sent = await settled(m, id!, ['sent']);
    const received = sink.received[0]!;
    // nodemailer lower-cases the domain part only.
    expect(received.to.sort()).toEqual(['Reader@example.com', 'cc@example.com', 'hidden@example.com'].sort());
    expect(received.raw).not.toMatch(/^Bcc:/im);
    const mail = await parse(received);
    expect(mail.subject).toBe('Your receipt');
    expect(mail.from?.value[0]).toEqual({ name: 'Acme Support', address: 'support@acme.test' });
    expect(mail.replyTo?.text).toBe('help@acme.test');
    expect(mail.messageId).toBe(sent.messageIdHeader);
    expect(mail.headers.get('x-campaign')).toBe('spring');
    expect(mail.text).toContain('Order 42 is on its way.');
    expect(mail.html).toContain('<b>42</b>');
    expect(mail.attachments[0]?.filename).toBe('receipt.txt');
    expect(mail.attachments[0]?.content.toString()).toBe('total: 10 EUR');
    expect(received.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const list = mail.headers.get('list') as { unsubscribe?: { url?: string } } | undefined;
    expect(list?.unsubscribe?.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/api\/v1\/emails\/unsubscribe\?project=/);

    expect(sent).toMatchObject({ attempts: 1, smtpQueueId: 'Q1', renderedSubject: 'Your receipt' });
    expect(sent.renderedText).toContain('Order 42');
    expect(sent.smtpResponse).toMatch(/^250 /);
    const attempts = await attemptsOf(m, id!);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'sent', smtp_code: 250 })]);
    expect(statuses).toEqual(['queued', 'rendering', 'sending', 'sent']);
  });

  it('signs with the project DKIM key so that the signature verifies', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const project = await m.core.projects.getProject(m.project.project_id);
    await m.core.projects.updateProject(project.id, { settings: { ...project.settings, dkim: { domainName: 'acme.test', keySelector: 'mr1', privateKey: pem } } });
    await send(m, { from: 'news@acme.test', transactional: true });
    await sink.waitFor(1);
    expect(sink.received[0]!.raw).not.toMatch(/^List-Unsubscribe/im);
    const result = await dkimVerify(Buffer.from(sink.received[0]!.raw), {
      resolver: async (name: string, type: string) => {
        if (name === 'mr1._domainkey.acme.test' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${der}`]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    expect(result.results[0]).toMatchObject({ signingDomain: 'acme.test', selector: 'mr1', status: { result: 'pass' } });
  });

  it('retries a 4xx reply after the hinted delay, then delivers', async () => {
    let refusals = 0;
    sink = await startSmtpSink({
      onRcpt: (address) => (address.startsWith('slow@') && refusals++ === 0 ? { code: 451, message: '4.7.1 Greylisted, try again in 1 seconds' } : undefined),
    });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const [id] = await send(m, { recipient: { email: 'slow@example.com' } });
    const sent = await settled(m, id!, ['sent']);
    expect(sent.attempts).toBe(2);
    const attempts = await attemptsOf(m, id!);
    expect(attempts.map((a) => [a.outcome, a.smtp_code, a.enhanced_code])).toEqual([
      ['deferred', 451, '4.7.1'],
      ['sent', 250, null],
    ]);
    expect(attempts[0]!.response).toContain('Greylisted');
    // The server asked for one second; the retry did not come sooner.
    expect(Date.parse(attempts[1]!.started_at) - Date.parse(attempts[0]!.finished_at!)).toBeGreaterThanOrEqual(1000);
  });

  it('gives up after the attempt budget with server-error and the last reply', async () => {
    sink = await startSmtpSink({ onRcpt: () => ({ code: 421, message: '4.3.2 System busy' }) });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_MAX_ATTEMPTS: '3', MAILROOM_RETRY_BASE_MS: '20' });
    const [id] = await send(m, {});
    const failed = await settled(m, id!, ['server-error']);
    expect(failed.attempts).toBe(3);
    expect(failed.lastError).toMatch(/gave up after 3 attempts.*421/);
    expect((await attemptsOf(m, id!)).map((a) => a.outcome)).toEqual(['deferred', 'deferred', 'deferred']);
  });

  it('resumed out of server-error, a message gets a whole attempt budget again; the attempt history is kept', async () => {
    sink = await startSmtpSink({ onRcpt: () => ({ code: 421, message: '4.3.2 System busy' }) });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_MAX_ATTEMPTS: '3', MAILROOM_RETRY_BASE_MS: '20' });
    const [id] = await send(m, {});
    await settled(m, id!, ['server-error']);
    const resumed = await m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders, body: { status: 'queued' } });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'queued', attempt_count: 0, attempts: [{}, {}, {}] });
    await settled(m, id!, ['server-error']);
    const entry = (await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders })).json();
    expect(entry.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(Array(6).fill('deferred'));
    expect(entry).toMatchObject({ status: 'server-error', attempt_count: 3, last_error: expect.stringMatching(/gave up after 3 attempts/) });
  });

  it('bounces on 5xx, suppresses the address, skips later sends until the suppression is removed', async () => {
    let refuse = true;
    sink = await startSmtpSink({ onRcpt: (address) => (refuse && address === 'gone@example.com' ? { code: 550, message: '5.1.1 No such user' } : undefined) });
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const [first] = await send(m, { recipient: { email: 'gone@example.com' } });
    const bounced = await settled(m, first!, ['bounced']);
    expect(bounced.lastError).toContain('550 5.1.1 No such user');
    expect(await attemptsOf(m, first!)).toEqual([expect.objectContaining({ outcome: 'bounced', smtp_code: 550, enhanced_code: '5.1.1' })]);

    const list = await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: m.serverHeaders });
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ email: 'gone@example.com', reason: 'bounced' })]);

    const [second] = await send(m, { recipient: { email: 'GONE@example.com' } });
    expect(await settled(m, second!, ['skipped'])).toMatchObject({ skipReason: 'suppressed' });

    refuse = false;
    const removed = await m.request({ method: 'DELETE', url: '/api/v1/emails/suppressions/gone@example.com', headers: m.serverHeaders });
    expect(removed.statusCode).toBe(204);
    const [third] = await send(m, { recipient: { email: 'gone@example.com' } });
    await settled(m, third!, ['sent']);
    expect(sink.received.map((r) => r.to)).toEqual([['gone@example.com']]);
  });

  it('keeps mail while the SMTP server is down and delivers once it is back', async () => {
    const probe = await startSmtpSink();
    const port = probe.port;
    await probe.close();
    m = await startDeliveringMailroom(engine, { SMTP_URL: `smtp://127.0.0.1:${port}` });
    const [id] = await send(m, {});
    const attempts = async () => attemptsOf(m!, id!);
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect((await attempts())[0]).toMatchObject({ outcome: 'deferred', smtp_code: null });
    expect((await row(m, id!)).status).not.toBe('server-error');
    sink = await startSmtpSink({ port });
    await sink.waitFor(1);
    await settled(m, id!, ['sent']);
  });

  it('drops a message the outbox paused before hand-off, and never sends it', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const db = m.core.engine.db;
    const renderer = m.core.renderer;
    const original = renderer.render.bind(renderer);
    // The outbox API pauses with a compare-and-set on an editable status; do the same while the worker renders.
    renderer.render = async (request) => {
      if (request.subject === 'pause me' || request.subject === 'cancel me') {
        const to = request.subject === 'pause me' ? { status: 'paused' as const } : { status: 'skipped' as const, skip_reason: 'cancelled' as const };
        await db
          .updateTable('outbox_messages')
          .set(to)
          .where('content_id', 'in', db.selectFrom('outbox_contents').select('id').where('subject', '=', request.subject))
          .where('status', '=', 'rendering')
          .execute();
      }
      return original(request);
    };
    const [paused, cancelled, normal] = await send(m, { subject: 'pause me' }, { subject: 'cancel me' }, { subject: 'normal' });
    await settled(m, normal!, ['sent']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await row(m, paused!)).status).toBe('paused');
    expect(await row(m, cancelled!)).toMatchObject({ status: 'skipped', skipReason: 'cancelled' });
    expect(sink.received.map((r) => r.raw.match(/^Subject: (.*)$/m)?.[1])).toEqual(['normal']);
  });

  it('resolves user recipients at send time; no address means skipped with a reason; a template with no engine is a render-error', async () => {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const now = Date.now();
    const user = (id: string, email: string | null) => ({ id, project_id: m!.project.project_id, primary_email: email, primary_email_verified: 1, display_name: null, locale: null, created_at: now, updated_at: now });
    await m.core.engine.db.insertInto('users').values([user('u-with', 'current@example.com'), user('u-without', null)]).execute();
    const [withEmail, withoutEmail, templated] = await send(
      m,
      { recipient: { userId: 'u-with' } },
      { recipient: { userId: 'u-without' } },
      { templateId: 'welcome', subject: null, html: null },
    );
    await settled(m, withEmail!, ['sent']);
    expect(sink.received[0]!.to).toEqual(['current@example.com']);
    expect(await settled(m, withoutEmail!, ['skipped'])).toMatchObject({ skipReason: 'user_has_no_primary_email' });
    expect(await settled(m, templated!, ['render-error'])).toMatchObject({ lastError: 'template welcome was not found' });
  });
});
