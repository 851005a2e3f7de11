import { SignJWT } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { fastDelivery } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

describe.each(engineKinds)('email verification on %s', (engine) => {
  let sink: SmtpSink;
  let m: TestMailroom;
  let now = Date.now();
  const clock: Clock = { now: () => now };

  beforeEach(async () => {
    now = Date.now();
    sink = await startSmtpSink();
    m = await startTestMailroom(engine, { clock, env: { ...fastDelivery, SMTP_URL: sink.url } });
  });
  afterEach(async () => {
    await m.close();
    await sink.close();
  });

  async function createUser(mailroom: TestMailroom, body: Record<string, unknown> = {}): Promise<string> {
    const res = await mailroom.request({ method: 'POST', url: '/api/v1/users', headers: mailroom.serverHeaders, body: { display_name: 'Ada', ...body } });
    expect(res.statusCode).toBe(201);
    return (res.json() as { id: string }).id;
  }

  async function tokenFor(mailroom: TestMailroom, userId: string): Promise<string> {
    const res = await mailroom.request({ method: 'POST', url: `/api/v1/users/${userId}/tokens`, headers: mailroom.serverHeaders, body: {} });
    expect(res.statusCode).toBe(201);
    return (res.json() as { token: string }).token;
  }

  /** The end user's own headers, as a browser app sends them: publishable key plus their token. */
  const asUser = (mailroom: TestMailroom, token: string) => ({
    authorization: `Bearer ${token}`,
    'x-stack-publishable-client-key': mailroom.project.publishable_client_key,
    'x-stack-project-id': mailroom.project.project_id,
  });

  /** Waits for the next verification mail to `to` and reads the 6-digit code out of it. */
  async function nextCode(to: string, count: number): Promise<{ code: string; subject: string }> {
    await sink.waitFor(count);
    const mail = sink.received[count - 1]!;
    expect(mail.to).toEqual([to]);
    const parsed = await parse(mail);
    const code = /\b(\d{6})\b/.exec(parsed.text ?? '')?.[1];
    expect(code).toBeDefined();
    return { code: code!, subject: parsed.subject ?? '' };
  }

  it('registers, delivers a code over SMTP, verifies, and sends by user id to the verified address', async () => {
    const userId = await createUser(m);
    const headers = asUser(m, await tokenFor(m, userId));
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers })).json()).toEqual({ status: 'unregistered' });

    const registered = await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'ada@example.com' } });
    expect(registered.statusCode).toBe(204);
    const { code } = await nextCode('ada@example.com', 1);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers })).json()).toEqual({ status: 'pending_verification', email: 'ada@example.com' });

    const wrong = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: code === '000000' ? '111111' : '000000' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'VERIFICATION_CODE_INVALID', message: expect.any(String), details: { attemptsLeft: 4 } });

    const verified = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code } });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({ status: 'verified', verifiedAt: now });
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers })).json()).toEqual({ status: 'verified', email: 'ada@example.com' });

    const user = await m.request({ method: 'GET', url: `/api/v1/users/${userId}`, headers: m.serverHeaders });
    expect(user.json()).toMatchObject({ primary_email: 'ada@example.com', primary_email_verified: true });

    // Single use: the same code cannot verify twice.
    const again = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code } });
    expect(again.json().code).toBe('VERIFICATION_NOT_PENDING');

    const sent = await m.request({
      method: 'POST',
      url: '/api/v1/emails/send-email',
      headers: m.serverHeaders,
      body: { recipients: [userId], subject: 'Welcome!', content: { html: '<p>hi</p>' } },
    });
    expect(sent.statusCode).toBe(200);
    await sink.waitFor(2);
    expect(sink.received[1]!.to).toEqual(['ada@example.com']);
  });

  it('uses the project Register template in the user locale', async () => {
    const put = await m.request({
      method: 'PUT',
      url: '/api/email-templates',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: { templates: [{ languageTag: 'de', templateType: 'Register', details: { subject: 'Ihr Code: {{ code }}', content: '<p>Code {{ code }}</p>', contentType: 'text/html' } }] },
    });
    expect(put.statusCode).toBe(200);
    const userId = await createUser(m, { locale: 'de-DE' });
    const headers = asUser(m, await tokenFor(m, userId));
    await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'de@example.com' } });
    const { code, subject } = await nextCode('de@example.com', 1);
    expect(subject).toBe(`Ihr Code: ${code}`);
  });

  it('refuses an expired code, and voids a code after five wrong attempts', async () => {
    const userId = await createUser(m);
    const headers = asUser(m, await tokenFor(m, userId));
    await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'late@example.com' } });
    const first = await nextCode('late@example.com', 1);
    now += 10 * 60_000 + 1;
    const expired = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: first.code } });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('VERIFICATION_CODE_EXPIRED');

    // Registering again after the cooldown sends a fresh code.
    expect((await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'late@example.com' } })).statusCode).toBe(204);
    const second = await nextCode('late@example.com', 2);
    const wrongCode = second.code === '123456' ? '654321' : '123456';
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: wrongCode } })).json().code);
    }
    expect(answers).toEqual(['VERIFICATION_CODE_INVALID', 'VERIFICATION_CODE_INVALID', 'VERIFICATION_CODE_INVALID', 'VERIFICATION_CODE_INVALID', 'VERIFICATION_CODE_VOID']);
    const afterVoid = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: second.code } });
    expect(afterVoid.json().code).toBe('VERIFICATION_NOT_PENDING');
  });

  it('keeps parallel guesses inside the attempt limit', async () => {
    const userId = await createUser(m);
    const headers = asUser(m, await tokenFor(m, userId));
    await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'race@example.com' } });
    const { code } = await nextCode('race@example.com', 1);
    const wrongCode = code === '999999' ? '888888' : '999999';
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: wrongCode } })),
    );
    const codes = answers.map((a) => a.json().code as string);
    // Exactly five guesses were compared; every other one found the code already void.
    expect(codes.filter((c) => c === 'VERIFICATION_CODE_INVALID' || c === 'VERIFICATION_CODE_VOID')).toHaveLength(5);
    expect(codes.filter((c) => c === 'VERIFICATION_CODE_VOID')).toHaveLength(1);
    expect(codes.filter((c) => c === 'VERIFICATION_NOT_PENDING')).toHaveLength(7);
  });

  it('falls back to the built-in email when the Register template fails to render', async () => {
    const put = await m.request({
      method: 'PUT',
      url: '/api/email-templates',
      headers: { authorization: `Bearer ${m.project.secret_server_key}` },
      body: {
        templates: [
          {
            languageTag: 'en',
            templateType: 'Register',
            details: { subject: 'Code', content: '{% for i in (1..100000000) %}{{ code }}{% endfor %}', contentType: 'text/html' },
          },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
    const userId = await createUser(m);
    const headers = asUser(m, await tokenFor(m, userId));
    const registered = await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'fallback@example.com' } });
    expect(registered.statusCode).toBe(204);
    const { code, subject } = await nextCode('fallback@example.com', 1);
    expect(subject).toBe(`Your verification code: ${code}`);
  });

  it('resends with a cooldown (429 with Retry-After), and a new address restarts verification', async () => {
    const userId = await createUser(m);
    const headers = asUser(m, await tokenFor(m, userId));
    await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'one@example.com' } });
    const first = await nextCode('one@example.com', 1);

    const tooSoon = await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'one@example.com' } });
    expect(tooSoon.statusCode).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    expect(tooSoon.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.any(String) });

    now += 61_000;
    expect((await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'one@example.com' } })).statusCode).toBe(204);
    const resent = await nextCode('one@example.com', 2);
    if (resent.code !== first.code) {
      const stale = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: first.code } });
      expect(stale.json().code).toBe('VERIFICATION_CODE_INVALID');
    }

    // A different address needs no cooldown and replaces the pending one.
    expect((await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'two@example.com' } })).statusCode).toBe(204);
    const other = await nextCode('two@example.com', 3);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers })).json()).toEqual({ status: 'pending_verification', email: 'two@example.com' });
    const ok = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: other.code } });
    expect(ok.json()).toMatchObject({ status: 'verified' });
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers })).json()).toEqual({ status: 'verified', email: 'two@example.com' });
  });

  it('answers bad input and every kind of bad token with a 4xx in the email family shape', async () => {
    const userId = await createUser(m);
    const token = await tokenFor(m, userId);
    const headers = asUser(m, token);
    const badEmail = await m.request({ method: 'POST', url: '/api/v1/email/register', headers, body: { email: 'not an address' } });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json()).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'body.email' } });
    const badCode = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: '12ab' } });
    expect(badCode.statusCode).toBe(400);
    const noPending = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers, body: { code: '123456' } });
    expect(noPending.json().code).toBe('VERIFICATION_NOT_PENDING');

    const project = await m.core.projects.getProject(m.project.project_id);
    const secret = new TextEncoder().encode(project.signingSecret);
    const sign = (claims: { sub?: string; aud?: string; exp?: number }, key = secret) => {
      let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' });
      if (claims.sub) jwt = jwt.setSubject(claims.sub);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      if (claims.exp) jwt = jwt.setExpirationTime(claims.exp);
      return jwt.sign(key);
    };
    const seconds = Math.floor(now / 1000);
    const other = await m.core.projects.createProject({ name: 'other' });
    const otherSecret = new TextEncoder().encode((await m.core.projects.getProject(other.project_id)).signingSecret);
    const bad = {
      none: {},
      expired: { authorization: `Bearer ${await sign({ sub: userId, aud: m.project.project_id, exp: seconds - 10 })}` },
      wrongAudience: { authorization: `Bearer ${await sign({ sub: userId, aud: other.project_id, exp: seconds + 60 })}`, 'x-stack-project-id': m.project.project_id },
      otherProjectSecret: { authorization: `Bearer ${await sign({ sub: userId, aud: m.project.project_id, exp: seconds + 60 }, otherSecret)}` },
      tampered: { authorization: `Bearer ${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}` },
      noExpiry: { authorization: `Bearer ${await sign({ sub: userId, aud: m.project.project_id })}` },
      unknownUser: { authorization: `Bearer ${await sign({ sub: 'no-such-user', aud: m.project.project_id, exp: seconds + 60 })}` },
      serverKeyOnly: m.serverHeaders,
    };
    for (const [name, h] of Object.entries(bad)) {
      const res = await m.request({ method: 'GET', url: '/api/v1/email/user', headers: h });
      expect(res.statusCode, name).toBe(401);
      expect(Object.keys(res.json()).sort(), name).toEqual(expect.arrayContaining(['code', 'message']));
    }
    // A token alone (its audience names the project) is enough.
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });

  it('keeps users and projects apart, and never reveals who holds an address', async () => {
    const alice = await createUser(m);
    const bob = await createUser(m);
    const aliceHeaders = asUser(m, await tokenFor(m, alice));
    const bobHeaders = asUser(m, await tokenFor(m, bob));
    await m.request({ method: 'POST', url: '/api/v1/email/register', headers: aliceHeaders, body: { email: 'shared@example.com' } });
    const aliceCode = await nextCode('shared@example.com', 1);
    await m.request({ method: 'POST', url: '/api/v1/email/verify', headers: aliceHeaders, body: { code: aliceCode.code } });

    // Bob asks for the same address: the answer is the same as for any address.
    const bobRegister = await m.request({ method: 'POST', url: '/api/v1/email/register', headers: bobHeaders, body: { email: 'shared@example.com' } });
    expect(bobRegister.statusCode).toBe(204);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers: bobHeaders })).json()).toEqual({ status: 'pending_verification', email: 'shared@example.com' });
    // Alice's code does not verify Bob.
    const cross = await m.request({ method: 'POST', url: '/api/v1/email/verify', headers: bobHeaders, body: { code: aliceCode.code } });
    expect(cross.statusCode).toBe(400);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/user', headers: aliceHeaders })).json()).toEqual({ status: 'verified', email: 'shared@example.com' });

    // A second project's user token cannot be used with this project's keys.
    const second = await m.core.projects.createProject({ name: 'second' });
    const secondHeaders = { 'x-stack-secret-server-key': second.secret_server_key, 'x-stack-project-id': second.project_id };
    const carol = await m.request({ method: 'POST', url: '/api/v1/users', headers: secondHeaders, body: {} });
    const carolToken = await m.request({ method: 'POST', url: `/api/v1/users/${carol.json().id}/tokens`, headers: secondHeaders, body: {} });
    const mixed = await m.request({ method: 'GET', url: '/api/v1/email/user', headers: asUser(m, carolToken.json().token) });
    expect(mixed.statusCode).toBe(401);
    // And this project's server key cannot mint tokens for the other project's user.
    expect((await m.request({ method: 'POST', url: `/api/v1/users/${carol.json().id}/tokens`, headers: m.serverHeaders, body: {} })).statusCode).toBe(404);
  });
});

describe('verification abuse limits', () => {
  it('caps registrations from one client address per hour, across users', async () => {
    const m = await startTestMailroom('sqlite');
    try {
      const answers: number[] = [];
      for (let i = 0; i < 31; i++) {
        const user = await m.request({ method: 'POST', url: '/api/v1/users', headers: m.serverHeaders, body: {} });
        const token = await m.request({ method: 'POST', url: `/api/v1/users/${user.json().id}/tokens`, headers: m.serverHeaders, body: {} });
        const res = await m.request({
          method: 'POST',
          url: '/api/v1/email/register',
          headers: { authorization: `Bearer ${token.json().token}` },
          body: { email: `user${i}@example.com` },
        });
        answers.push(res.statusCode);
      }
      expect(answers.slice(0, 30).every((s) => s === 204)).toBe(true);
      expect(answers[30]).toBe(429);
    } finally {
      await m.close();
    }
  });
});
