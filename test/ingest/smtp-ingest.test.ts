import { createConnection } from 'node:net';
import nodemailer from 'nodemailer';
import nodemailer10 from 'nodemailer10';
import { afterEach, describe, expect, it } from 'vitest';
import { fastDelivery } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

interface SmtpFailure {
  responseCode?: number;
  response?: string;
}

/** Mail handed to Mailroom over SMTP (SMTP_INGEST_PORT), delivered through a real relay. */
describe.each(engineKinds)('SMTP ingest on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  async function start() {
    sink = await startSmtpSink();
    m = await startTestMailroom(engine, { env: { ...fastDelivery, SMTP_URL: sink.url, SMTP_INGEST_PORT: '0' } });
    expect(m.ingest?.port).toBeGreaterThan(0);
    return m;
  }

  function client(auth?: { user: string; pass: string }) {
    return nodemailer.createTransport({ host: '127.0.0.1', port: m!.ingest!.port, secure: false, ignoreTLS: true, ...(auth ? { auth } : {}) });
  }

  const secret = () => client({ user: m!.project.project_id, pass: m!.project.secret_server_key });

  async function outbox() {
    const res = await m!.request({ method: 'GET', url: '/api/v1/emails/outbox', headers: m!.serverHeaders });
    expect(res.statusCode).toBe(200);
    return res.json().items as Array<{ id: string; source: string; recipient_email: string; subject: string; from: string }>;
  }

  async function failure(promise: Promise<unknown>): Promise<SmtpFailure> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e as SmtpFailure,
    );
    if (!error) throw new Error('the send was accepted');
    return error;
  }

  it('delivers a message with its subject, html, text and attachment, and lists it in the outbox with source smtp', async () => {
    await start();
    const info = await secret().sendMail({
      from: '"The App" <app@example.com>',
      to: 'alice@example.com',
      replyTo: 'help@example.com',
      subject: 'Über SMTP',
      text: 'plain body',
      html: '<p>html <b>body</b></p><img src="cid:logo@app">',
      attachments: [
        { filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
        { filename: 'logo.png', content: Buffer.from('PNG'), contentType: 'image/png', cid: 'logo@app' },
      ],
    });
    const items = await outbox();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'smtp', recipient_email: 'alice@example.com', subject: 'Über SMTP', from: '"The App" <app@example.com>' });
    expect(info.response).toContain(items[0]!.id);

    await sink!.waitFor(1);
    const delivered = await parse(sink!.received[0]!);
    expect(sink!.received[0]!.to).toEqual(['alice@example.com']);
    expect(delivered.subject).toBe('Über SMTP');
    expect(delivered.text?.trim()).toBe('plain body');
    expect(delivered.html).toContain('<p>html <b>body</b></p>');
    expect(delivered.from?.value[0]).toMatchObject({ address: 'app@example.com', name: 'The App' });
    expect(delivered.replyTo?.text).toBe('help@example.com');
    // The inline image travels inside the html, not as a second attachment.
    expect(delivered.html).toContain(`src="data:image/png;base64,${Buffer.from('PNG').toString('base64')}"`);
    expect(delivered.attachments).toHaveLength(1);
    expect(delivered.attachments[0]).toMatchObject({ filename: 'report.csv', contentType: 'text/csv' });
    expect(delivered.attachments[0]!.content.toString()).toBe('a,b\n1,2\n');
  });

  it('makes one message per envelope recipient; a Cc recipient rides on the first and gets one copy', async () => {
    await start();
    const info = await secret().sendMail({ from: 'app@example.com', to: ['a@example.com', 'b@example.com'], cc: 'c@example.com', subject: 'Hi', text: 'hi' });
    const items = await outbox();
    expect(items.map((i) => i.recipient_email).sort()).toEqual(['a@example.com', 'b@example.com']);
    for (const item of items) expect(info.response).toContain(item.id);

    await sink!.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more is on its way
    expect(sink!.received).toHaveLength(2);
    const first = sink!.received.find((r) => r.to.includes('a@example.com'))!;
    expect(first.to.sort()).toEqual(['a@example.com', 'c@example.com']);
    expect((await parse(first)).cc).toMatchObject({ text: 'c@example.com' });
    const second = sink!.received.find((r) => r.to.includes('b@example.com'))!;
    // The envelope carries only b; the Cc header shows what the client wrote, on every copy.
    expect(second.to).toEqual(['b@example.com']);
    expect((await parse(second)).cc).toMatchObject({ text: 'c@example.com' });
  });

  it('keeps what the client wrote: Message-ID, custom headers, To and Cc with display names; Mailroom\'s id in X-Mailroom-Id', async () => {
    await start();
    const info = await secret().sendMail({
      from: 'app@example.com',
      to: ['"Ann Example" <a@example.com>', '"Bob" <b@example.com>'],
      cc: '"Carol" <c@example.com>',
      subject: 'Thread',
      text: 'hi',
      messageId: '<thread-1@client.example>',
      headers: { 'X-Entity-Ref-ID': 'ref-42', 'List-Id': 'News <news.example.com>', 'Date': 'Mon, 1 Jan 2024 00:00:00 +0000' },
    });
    const items = await outbox();
    expect(items).toHaveLength(2);
    await sink!.waitFor(2);
    for (const name of ['a@example.com', 'b@example.com']) {
      const arrived = sink!.received.find((r) => r.to.includes(name))!;
      const mail = await parse(arrived);
      expect(mail.messageId).toBe('<thread-1@client.example>');
      expect(mail.headers.get('x-entity-ref-id')).toBe('ref-42');
      expect(mail.headerLines.find((h) => h.key === 'list-id')?.line.toLowerCase()).toBe('list-id: news <news.example.com>');
      expect(mail.to).toMatchObject({ value: [{ address: 'a@example.com', name: 'Ann Example' }, { address: 'b@example.com', name: 'Bob' }] });
      expect(mail.cc).toMatchObject({ value: [{ address: 'c@example.com', name: 'Carol' }] });
      const own = items.find((i) => i.recipient_email === name)!;
      expect(mail.headers.get('x-mailroom-id')).toBe(own.id);
      expect(info.response).toContain(own.id);
    }
    // The Cc recipient is in the envelope of exactly one copy.
    expect(sink!.received.filter((r) => r.to.includes('c@example.com'))).toHaveLength(1);
  });

  it('honours Idempotency-Key and Resend-Idempotency-Key as HTTP does: a replay stores nothing, another message under the key is refused', async () => {
    await start();
    const mail = { from: 'app@example.com', to: 'a@example.com', subject: 'Once', text: 'hi', messageId: '<once@client.example>', date: new Date(0) };
    const first = await secret().sendMail({ ...mail, headers: { 'Idempotency-Key': 'k-1' } });
    const again = await secret().sendMail({ ...mail, headers: { 'Idempotency-Key': 'k-1' } });
    expect(again.response).toBe(first.response);
    expect(await outbox()).toHaveLength(1);
    const other = await failure(secret().sendMail({ ...mail, text: 'changed', headers: { 'Idempotency-Key': 'k-1' } }));
    expect(other.responseCode).toBe(550);
    expect(other.response).toContain('Idempotency-Key');
    await secret().sendMail({ ...mail, headers: { 'Resend-Idempotency-Key': 'k-2' } });
    await secret().sendMail({ ...mail, headers: { 'Resend-Idempotency-Key': 'k-2' } });
    expect(await outbox()).toHaveLength(2);
  });

  // nodemailer10 is the same package at another version; its typings are nodemailer's.
  // Messages finishing together are committed together: a refused one must fail alone, a keyed one
  // (committed on its own) must not disturb the others, and every 250 must name rows already readable.
  it.each([
    ['nodemailer 7', nodemailer],
    ['nodemailer 10', nodemailer10 as unknown as typeof nodemailer],
  ])('takes pooled mail from %s (5 connections): each message whole in the outbox once answered, a refused one failing alone', async (_name, client) => {
    await start();
    const transport = client.createTransport({
      host: '127.0.0.1', port: m!.ingest!.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 5,
      auth: { user: m!.project.project_id, pass: m!.project.secret_server_key },
    });
    const total = 80;
    const refused = (i: number) => i % 5 === 3;
    const keyed = (i: number) => i % 10 === 4;
    try {
      const results = await Promise.all(
        Array.from({ length: total }, (_, i) =>
          transport
            .sendMail({
              from: 'app@example.com',
              to: `p${i}@example.com`,
              // A subject over 998 characters (folded, so no line is too long) is refused by the accept
              // use-case itself with 554, whatever it was committed beside.
              subject: refused(i) ? `n${i} ${'word '.repeat(250)}` : `n${i}`,
              text: `text ${i}`,
              html: `<p>html ${i}</p>`,
              ...(keyed(i) ? { headers: { 'Idempotency-Key': `pooled-${i}` } } : {}),
            })
            .then(
              async (info: { response: string }) => {
                const id = /queued as (\S+)$/.exec(info.response)?.[1];
                // Read as soon as answered: the 250 came only once this message's rows were committed.
                const res = await m!.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m!.serverHeaders });
                return { i, id, status: res.statusCode, entry: res.json() as Record<string, unknown> };
              },
              (error: unknown) => ({ i, error: error as SmtpFailure }),
            ),
        ),
      );
      for (const r of results) {
        if (refused(r.i)) {
          expect('error' in r && r.error.responseCode, `message ${r.i}`).toBe(554);
          continue;
        }
        expect('status' in r && r.status, `message ${r.i}`).toBe(200);
        if (!('entry' in r)) continue;
        expect(r.entry).toMatchObject({ id: r.id, source: 'smtp', recipient_email: `p${r.i}@example.com`, subject: `n${r.i}`, from: 'app@example.com' });
        expect(r.entry.body).toContain(`html ${r.i}`);
      }
      const accepted = results.filter((r) => 'id' in r).map((r) => r.id);
      expect(new Set(accepted).size).toBe(total - total / 5);
    } finally {
      transport.close();
    }
  });

  it('refuses a wrong key, a key of another project named by the username, and a key without emails:send (535)', async () => {
    await start();
    const mail = { from: 'app@example.com', to: 'a@example.com', subject: 'Hi', text: 'hi' };
    expect((await failure(client({ user: m!.project.project_id, pass: 'not-a-key' }).sendMail(mail))).responseCode).toBe(535);

    const other = await m!.core.projects.createProject({ name: 'other' });
    expect((await failure(client({ user: other.project_id, pass: m!.project.secret_server_key }).sendMail(mail))).responseCode).toBe(535);

    const readOnly = await m!.core.projects.createKey(m!.project.project_id, { kind: 'scoped', permissions: ['emails:read'] });
    const refused = await failure(client({ user: 'anything', pass: readOnly.key }).sendMail(mail));
    expect(refused.responseCode).toBe(535);
    expect(refused.response).toContain('emails:send');
    expect((await failure(client({ user: 'x', pass: m!.project.publishable_client_key }).sendMail(mail))).responseCode).toBe(535);

    // A scoped key holding emails:send is enough; the username may be anything.
    const sender = await m!.core.projects.createKey(m!.project.project_id, { kind: 'scoped', permissions: ['emails:send'] });
    await client({ user: 'my-app', pass: sender.key }).sendMail(mail);
    expect(await outbox()).toHaveLength(1);
  });

  it('refuses mail without AUTH', async () => {
    await start();
    const refused = await failure(client().sendMail({ from: 'app@example.com', to: 'a@example.com', subject: 'Hi', text: 'hi' }));
    expect(refused.responseCode).toBe(530);
    expect(await outbox()).toHaveLength(0);
  });

  it('refuses a bad From, a missing Subject and a bad recipient with 5xx and stores nothing', async () => {
    await start();
    const envelope = { from: 'app@example.com', to: ['a@example.com', 'b@example.com'] };
    const badFrom = await failure(secret().sendMail({ envelope, raw: 'From: not an address\r\nTo: a@example.com\r\nSubject: Hi\r\n\r\nhi\r\n' }));
    expect(badFrom.responseCode).toBe(554);
    expect(badFrom.response).toContain('from');
    const noSubject = await failure(secret().sendMail({ envelope, raw: 'From: app@example.com\r\nTo: a@example.com\r\n\r\nhi\r\n' }));
    expect(noSubject.responseCode).toBe(554);
    expect(noSubject.response).toContain('subject');
    const badRecipient = await failure(secret().sendMail({ from: 'app@example.com', to: 'someone@invalid_domain', subject: 'Hi', text: 'hi' }));
    expect(badRecipient.responseCode).toBeGreaterThanOrEqual(500);
    expect(await outbox()).toHaveLength(0);
  });

  it('finishes a DATA in progress when closed and commits its message', async () => {
    await start();
    const socket = createConnection({ host: '127.0.0.1', port: m!.ingest!.port });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const reply = async (code: string) => {
      const deadline = Date.now() + 5_000;
      while (!new RegExp(`^${code} `, 'm').test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${code} reply in: ${received}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const text = received;
      received = '';
      return text;
    };
    await reply('220');
    const plain = Buffer.from(`\0${m!.project.project_id}\0${m!.project.secret_server_key}`).toString('base64');
    for (const [command, code] of [['EHLO test', '250'], [`AUTH PLAIN ${plain}`, '235'], ['MAIL FROM:<app@example.com>', '250'], ['RCPT TO:<a@example.com>', '250'], ['DATA', '354']] as const) {
      socket.write(`${command}\r\n`);
      await reply(code);
    }
    socket.write('From: app@example.com\r\nTo: a@example.com\r\nSubject: Late\r\n\r\n');
    const m0 = m!;
    m = undefined;
    const closed = m0.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write('still arriving\r\n.\r\n');
    const accepted = await reply('250');
    await closed;
    socket.destroy();
    expect(accepted).toMatch(/queued as \S+/);
    const id = /queued as (\S+)/.exec(accepted)![1]!;
    // The database is closed now; reopen it to see the message was committed.
    m = await startTestMailroom(engine, { env: { DATABASE_URL: m0.config.databaseUrl } });
    expect(await m.core.store.outbox.getMessage(m0.project.project_id, id)).toMatchObject({ source: 'smtp', subject: 'Late' });
  });

  it('closes promptly with an idle client connected', async () => {
    await start();
    const socket = createConnection({ host: '127.0.0.1', port: m!.ingest!.port });
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const closedAt = Date.now();
    const m0 = m!;
    m = undefined;
    await m0.close();
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    socket.destroy();
  });
});
