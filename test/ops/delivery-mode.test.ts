import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeliveringMailroom } from '../delivery/helpers.js';
import { runCli, startCli } from '../support/cli.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { eventually, startReceiver } from '../events/support.js';
import { startSmtpSink } from '../support/smtp-sink.js';

describe.each(engineKinds)('capture mode said out loud on %s', (engine) => {
  let m: TestMailroom | undefined;
  afterEach(async () => {
    await m?.close();
    m = undefined;
  });

  it('marks captured mail as captured in both APIs, the WebSocket event log and the webhook', async () => {
    m = await startDeliveringMailroom(engine, { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback', MAILROOM_WEBHOOK_POLL_MS: '50' });
    const receiver = await startReceiver();
    try {
      const hook = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: receiver.url, events: ['email.sent'] } });
      expect(hook.statusCode).toBe(201);
      const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
      const sent = await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'hi' } });
      const id = sent.json().id as string;
      const mail = await eventually(async () => {
        const r = (await m!.request({ method: 'GET', url: `/mail/emails/${id}`, headers: auth })).json();
        return r.status === 'sent' ? r : undefined;
      }, 15_000);
      expect(mail.captured).toBe(true);
      expect(mail.statusHistory.at(-1)).toMatchObject({ status: 'sent', reason: 'captured' });
      const entry = (await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders })).json();
      expect(entry).toMatchObject({ status: 'sent', captured: true });

      const [request] = await receiver.waitForRequests(1, 10_000);
      expect(JSON.parse(request!.body)).toMatchObject({ type: 'email.sent', data: { id, status: 'sent', reason: 'captured', captured: true } });
      const events = await m.core.store.events.readAfter(m.project.project_id, 0, 100);
      expect(events.map((e) => e.payload)).toContainEqual(expect.objectContaining({ type: 'EMAIL_STATUS', id, status: 'sent', reason: 'captured', captured: true }));
    } finally {
      await receiver.close();
    }
  });

  it('does not mark mail a relay accepted', async () => {
    const sink = await startSmtpSink();
    try {
      m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
      const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
      const id = (await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'ann@example.com', subject: 'Hi', text: 'hi' } })).json().id;
      const mail = await eventually(async () => {
        const r = (await m!.request({ method: 'GET', url: `/mail/emails/${id}`, headers: auth })).json();
        return r.status === 'sent' ? r : undefined;
      }, 15_000);
      expect(mail.captured).toBe(false);
      expect(mail.statusHistory.at(-1)).toMatchObject({ status: 'sent', reason: null });
      const ready = (await m.request({ method: 'GET', url: '/readyz' })).json();
      expect(ready).toEqual({ status: 'ready', transport: `smtp relay smtp://127.0.0.1:${sink.port}` });
    } finally {
      await m?.close();
      m = undefined;
      await sink.close();
    }
  });
});

describe('serve and worker in production', () => {
  const dbEnv = () => ({ DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-prod-')), 'db.sqlite')}`, PORT: '0', MAILROOM_WORKERS: '0' });

  it('refuse to start with NODE_ENV=production and no SMTP_URL, naming the fix', { timeout: 120_000 }, async () => {
    for (const command of ['serve', 'worker']) {
      const { code, stderr, stdout } = await runCli([command], { ...dbEnv(), NODE_ENV: 'production', SMTP_URL: '' });
      expect(code, stdout).toBe(1);
      expect(stderr).toContain('NODE_ENV=production but SMTP_URL is not set');
      expect(stderr).toContain('SMTP_URL=capture');
    }
  });

  it('start when capture is chosen explicitly, and the banner and /readyz name the transport', { timeout: 120_000 }, async () => {
    const { child, output } = await startCli(['serve'], { ...dbEnv(), NODE_ENV: 'production', SMTP_URL: 'capture' }, /Mailroom is ready at/);
    try {
      expect(output()).toContain('delivery:  capture (mail is stored in the capture inbox, not delivered)');
      const port = /Mailroom is ready at http:\/\/127\.0\.0\.1:(\d+)/.exec(output())![1]!;
      const ready = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
      expect(ready).toEqual({ status: 'ready', transport: 'capture (mail is stored in the capture inbox, not delivered)' });
    } finally {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
