import { afterEach, describe, expect, it } from 'vitest';
import { startDeliveringMailroom } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { eventually, parse, startSmtpSink, type Received, type SmtpSink } from '../support/smtp-sink.js';

const hasOneClick = (r: Received) => /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m.test(r.raw) && /^List-Unsubscribe:\s*<https:\/\/mail\.example\.com\/[^>]+>/m.test(r.raw);

describe.each(engineKinds)('bulk mail through the mail API on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  async function start() {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url, MAILROOM_PUBLIC_URL: 'https://mail.example.com' });
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    return (url: string, body: unknown) => m!.request({ method: 'POST', url, headers: auth, body });
  }
  const to = (address: string) => sink!.received.find((r) => r.to.includes(address))!;

  it('a broadcast arrives at a real SMTP server with RFC 8058 one-click unsubscribe headers; transactional mail without', async () => {
    const post = await start();
    expect((await post('/mail/broadcast', { from: 'news@example.com', to: ['a@example.com', 'b@example.com'], subject: 'News', text: 'x' })).statusCode).toBe(200);
    expect((await post('/mail/broadcast', { from: 'news@example.com', to: ['c@example.com'], subject: 'Notice', text: 'x', transactional: true })).statusCode).toBe(200);
    expect((await post('/mail/send', { from: 'app@example.com', to: 'd@example.com', subject: 'Receipt', text: 'x' })).statusCode).toBe(200);
    expect((await post('/mail/send', { from: 'app@example.com', to: 'e@example.com', subject: 'Promo', text: 'x', transactional: false })).statusCode).toBe(200);
    expect((await post('/mail/batch', { emails: [{ from: 'app@example.com', to: 'f@example.com', subject: 'Promo', text: 'x', transactional: false }, { from: 'app@example.com', to: 'g@example.com', subject: 'Code', text: 'x' }] })).statusCode).toBe(200);
    await sink!.waitFor(7);

    for (const bulk of ['a@example.com', 'b@example.com', 'e@example.com', 'f@example.com']) expect(hasOneClick(to(bulk)), bulk).toBe(true);
    for (const transactional of ['c@example.com', 'd@example.com', 'g@example.com']) expect(/^List-Unsubscribe/im.test(to(transactional).raw), transactional).toBe(false);
    // The link is on MAILROOM_PUBLIC_URL and names the recipient it unsubscribes.
    const list = (await parse(to('a@example.com'))).headers.get('list') as unknown as { unsubscribe: { url: string } };
    const link = new URL(list.unsubscribe.url);
    expect(link.origin).toBe('https://mail.example.com');
    expect(link.searchParams.get('email')).toBe('a@example.com');
  });

  it('the one-click POST suppresses the address, and the next broadcast skips it', async () => {
    const post = await start();
    await post('/mail/broadcast', { from: 'news@example.com', to: ['fan@example.com'], subject: 'News 1', text: 'x' });
    await sink!.waitFor(1);
    const list = (await parse(to('fan@example.com'))).headers.get('list') as unknown as { unsubscribe: { url: string } };
    const link = new URL(list.unsubscribe.url);
    // What a mailbox provider sends (RFC 8058 section 3.2).
    const res = await m!.app.inject({ method: 'POST', url: `${link.pathname}${link.search}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode).toBe(200);

    const next = (await post('/mail/broadcast', { from: 'news@example.com', to: ['fan@example.com', 'new@example.com'], subject: 'News 2', text: 'x' })).json();
    const auth = { authorization: `Bearer ${m!.project.secret_server_key}` };
    const statuses = await eventually(async () => {
      const rows = await Promise.all((next.ids as string[]).map(async (id) => (await m!.request({ method: 'GET', url: `/mail/emails/${id}`, headers: auth })).json()));
      return rows.every((r) => r.status === 'sent' || r.status === 'skipped') ? rows.map((r) => [r.to, r.status, r.skipReason]) : undefined;
    });
    expect(statuses).toEqual([
      ['fan@example.com', 'skipped', 'suppressed'],
      ['new@example.com', 'sent', null],
    ]);
    expect(sink!.received.filter((r) => r.to.includes('fan@example.com'))).toHaveLength(1);
  });

  it('refuses a transactional value that is not a boolean, naming the field', async () => {
    const post = await start();
    const res = await post('/mail/send', { from: 'app@example.com', to: 'd@example.com', subject: 'x', text: 'x', transactional: 'no' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('transactional');
  });
});
