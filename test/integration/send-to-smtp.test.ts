import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fastDelivery } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/** The parts together: HTTP send paths, the template renderer, the outbox API and delivery to a real SMTP server. */
describe.each(engineKinds)('send to SMTP end to end on %s', (engine) => {
  let sink: SmtpSink;
  let m: TestMailroom;
  beforeEach(async () => {
    sink = await startSmtpSink();
    m = await startTestMailroom(engine, { env: { ...fastDelivery, SMTP_URL: sink.url } });
  });
  afterEach(async () => {
    await m.close();
    await sink.close();
  });

  const outboxItem = async (id: string) => (await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders })).json();

  it("runs seed 001's template example verbatim and delivers escaped parameters", async () => {
    const template = await m.request({
      method: 'POST',
      url: '/api/v1/email/templates',
      headers: m.serverHeaders,
      body: { name: 'welcome-email', subject: 'Welcome, {{ name }}', body: '<h1>Hello {{ name }}</h1>', translations: {}, parameters: ['name'] },
    });
    expect(template.statusCode).toBe(201);
    const user = await m.request({ method: 'POST', url: '/api/v1/users', headers: m.serverHeaders, body: { primary_email: 'john@example.com', display_name: 'John' } });
    const userId = (user.json() as { id: string }).id;

    // Seed 001's second curl example, with this server's user id.
    const sent = await m.request({
      method: 'POST',
      url: '/api/v1/emails/send-email',
      headers: { 'Content-Type': 'application/json', ...m.serverHeaders },
      body: { recipients: [userId], subject: 'Welcome!', content: { template_id: 'welcome-email', variables: { name: 'John' } } },
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toEqual({ success: true });
    await sink.waitFor(1);
    const john = await parse(sink.received[0]!);
    expect(sink.received[0]!.to).toEqual(['john@example.com']);
    expect(john.html).toContain('<h1>Hello John</h1>');
    expect(john.text).toContain('HELLO JOHN');

    // A parameter holding markup arrives escaped: the template's author controls the HTML, not the data.
    const hostile = await m.request({
      method: 'POST',
      url: '/api/v1/emails/send-email',
      headers: m.serverHeaders,
      body: { recipients: ['eve@example.com'], subject: 'Hi', content: { template_id: 'welcome-email', variables: { name: '<script>alert(1)</script>' } } },
    });
    expect(hostile.statusCode).toBe(200);
    await sink.waitFor(2);
    const eve = await parse(sink.received[1]!);
    expect(eve.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(eve.html).not.toContain('<script>');
  });

  it('pauses a scheduled send through the outbox API, resumes it, and shows the delivery on the outbox item', async () => {
    const sent = await m.request({
      method: 'POST',
      url: '/mail/send',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: { from: 'you@yourdomain.com', to: 'later@example.com', subject: 'Later', html: '<p>later</p>', scheduledAt: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(sent.statusCode).toBe(200);
    const id = (sent.json() as { id: string }).id;
    expect((await outboxItem(id)).status).toBe('scheduled');

    const paused = await m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders, body: { status: 'paused' } });
    expect(paused.json()).toMatchObject({ id, status: 'paused' });
    // Due now, but paused: nothing is delivered.
    const rescheduled = await m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders, body: { scheduled_at_millis: Date.now() - 1000 } });
    expect(rescheduled.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sink.received).toHaveLength(0);

    const resumed = await m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders, body: { status: 'queued' } });
    expect(resumed.statusCode).toBe(200);
    await sink.waitFor(1);
    const item = await eventually(async () => {
      const current = await outboxItem(id);
      return current.status === 'sent' ? current : undefined;
    });
    expect(item).toMatchObject({ simple_status: 'ok', recipient: 'later@example.com', attempts: [expect.objectContaining({ outcome: 'sent', smtp_code: 250 })] });
    expect((item.status_history as Array<{ status: string }>).map((h) => h.status)).toEqual(['scheduled', 'paused', 'queued', 'rendering', 'sending', 'sent']);

    // Past sending, edits are refused with the seed's error.
    const late = await m.request({ method: 'PATCH', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders, body: { subject: 'too late' } });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'EMAIL_NOT_EDITABLE' });
  });
});
