import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, runningTimeoutMs } from '../../src/core/idempotency/idempotency.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { countMessages, otherProject } from '../support/outbox-rows.js';

describe.each(engineKinds)('Idempotency-Key on %s', (engine) => {
  let m: TestMailroom;
  let now = Date.now();
  const clock = { now: () => now };
  let bearer: Record<string, string>;
  beforeAll(async () => {
    m = await startTestMailroom(engine, { clock });
    bearer = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterAll(() => m.close());

  const sendEmailBody = { recipients: ['a@example.com'], subject: 'Once', content: { html: '<p>once</p>' } };
  const mailBody = { from: 'app@example.com', to: 'b@example.com', subject: 'Once', html: '<p>once</p>' };

  const endpoints = [
    { name: 'send-email', url: '/api/v1/emails/send-email', body: (subject = 'Once') => ({ ...sendEmailBody, subject }), headers: () => m.serverHeaders },
    { name: '/mail/send', url: '/mail/send', body: (subject = 'Once') => ({ ...mailBody, subject }), headers: () => bearer },
    { name: '/mail/batch', url: '/mail/batch', body: (subject = 'Once') => ({ emails: [{ ...mailBody, subject }] }), headers: () => bearer },
    {
      name: '/mail/broadcast',
      url: '/mail/broadcast',
      body: (subject = 'Once') => ({ ...mailBody, subject, to: ['x@example.com', 'y@example.com'] }),
      headers: () => bearer,
    },
  ];

  it.each(endpoints)('$name: the same key and body replays the first response and creates nothing', async ({ url, body, headers }) => {
    const key = `replay-${url}`;
    const first = await m.request({ method: 'POST', url, headers: { ...headers(), 'idempotency-key': key }, body: body() });
    expect(first.statusCode).toBe(200);
    const count = await countMessages(m);
    // Key order in the body does not matter.
    const reordered = Object.fromEntries(Object.entries(body()).reverse());
    const again = await m.request({ method: 'POST', url, headers: { ...headers(), 'idempotency-key': key }, body: reordered });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countMessages(m)).toBe(count);
  });

  it.each(endpoints)('$name: the same key with another body is a 409', async ({ url, body, headers }) => {
    const key = `conflict-${url}`;
    await m.request({ method: 'POST', url, headers: { ...headers(), 'idempotency-key': key }, body: body() });
    const count = await countMessages(m);
    const changed = body('Other');
    const res = await m.request({ method: 'POST', url, headers: { ...headers(), 'idempotency-key': key }, body: changed });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await countMessages(m)).toBe(count);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const hash = fingerprint('POST /mail/send', mailBody);
    await m.core.store.idempotency.claim(m.project.project_id, 'in-flight', hash, now, now + 60_000, now - runningTimeoutMs);
    const count = await countMessages(m);
    const res = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'in-flight' }, body: mailBody });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ code: 'IDEMPOTENCY_CONFLICT', message: expect.stringContaining('in progress') });
    expect(await countMessages(m)).toBe(count);
  });

  it('frees a key left running by a request that died once 60 s have passed; one of two retries takes it', async () => {
    // A request claimed the key and the process died before it answered: the key stays `running`.
    const hash = fingerprint('POST /mail/send', mailBody);
    await m.core.store.idempotency.claim(m.project.project_id, 'crashed', hash, now, now + 24 * 3600_000, now - runningTimeoutMs);
    const count = await countMessages(m);
    const retry = () => m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'crashed' }, body: mailBody });
    now += 59_000;
    expect((await retry()).statusCode).toBe(409);
    now += 1_000;
    const [a, b] = await Promise.all([retry(), retry()]);
    const winner = [a!, b!].find((r) => r.statusCode === 200)!;
    expect(winner).toBeDefined();
    const loser = a === winner ? b! : a!;
    // The other saw the key running again (409) or, if it came after, the winner's response replayed.
    if (loser.statusCode === 409) expect(loser.json().code).toBe('IDEMPOTENCY_CONFLICT');
    else expect(loser.json().id).toBe(winner.json().id);
    expect(await countMessages(m)).toBe(count + 1);
    const replay = await retry();
    expect(replay.json().id).toBe(winner.json().id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('never sends twice under a key whose messages committed while its answer was lost, even once 60 s have passed', async () => {
    const hash = fingerprint('POST /mail/send', mailBody);
    const count = await countMessages(m);
    // The commit lands, then the connection drops before the client hears back (as when COMMIT's reply is lost).
    const lost = m.core.idempotency.run(m.project.project_id, 'lost-answer', hash, async () => {
      await m.core.accept.accept(m.project.project_id, { source: 'mail', to: [{ email: mailBody.to }], subject: mailBody.subject, from: mailBody.from, content: { kind: 'body', html: mailBody.html } });
      throw new Error('Connection terminated unexpectedly');
    });
    await expect(lost).rejects.toThrow('Connection terminated');
    expect(await countMessages(m)).toBe(count + 1);
    const retry = () => m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'lost-answer' }, body: mailBody });
    const soon = await retry();
    expect(soon.statusCode).toBe(409);
    expect(soon.json().message).toContain('will not send it again');
    now += runningTimeoutMs + 1000;
    expect((await retry()).statusCode).toBe(409);
    expect(await countMessages(m)).toBe(count + 1);
  });

  it('lets exactly one of two simultaneous requests with the same key send', async () => {
    const count = await countMessages(m);
    const [a, b] = await Promise.all(
      [1, 2].map(() => m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'race' }, body: mailBody })),
    );
    const codes = [a!.statusCode, b!.statusCode].sort();
    // The second either saw the first still running (409) or finished (a replay of the same response).
    if (codes[1] === 409) expect(codes).toEqual([200, 409]);
    else expect(a!.json().id).toBe(b!.json().id);
    expect(await countMessages(m)).toBe(count + 1);
  });

  it('keeps keys per project and frees a key after a failed request', async () => {
    const other = await otherProject(m);
    const mine = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'shared' }, body: mailBody });
    const theirs = await m.request({ method: 'POST', url: '/mail/send', headers: { ...other.bearer, 'idempotency-key': 'shared' }, body: mailBody });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().id).not.toBe(mine.json().id);
    expect(await countMessages(m, other.project.project_id)).toBe(1);
    const bad = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'retry-me' }, body: { ...mailBody, to: 'nope' } });
    expect(bad.statusCode).toBe(400);
    const fixed = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'retry-me' }, body: { ...mailBody, to: 'nope' } });
    expect(fixed.statusCode).toBe(400); // the failure is not stored: the same (bad) request is evaluated again
  });

  it('forgets a key after 24 hours', async () => {
    const first = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'daily' }, body: mailBody });
    now += 24 * 60 * 60 * 1000 - 1;
    expect((await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'daily' }, body: mailBody })).json().id).toBe(first.json().id);
    now += 2;
    const later = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'daily' }, body: mailBody });
    expect(later.statusCode).toBe(200);
    expect(later.json().id).not.toBe(first.json().id);
  });

  it('replays resend too, and refuses a malformed key', async () => {
    const id = (await m.request({ method: 'POST', url: '/mail/send', headers: bearer, body: mailBody })).json().id;
    const one = await m.request({ method: 'POST', url: `/mail/emails/${id}/resend`, headers: { ...bearer, 'idempotency-key': 'resend-1' } });
    const two = await m.request({ method: 'POST', url: `/mail/emails/${id}/resend`, headers: { ...bearer, 'idempotency-key': 'resend-1' } });
    expect(two.json().id).toBe(one.json().id);
    const bad = await m.request({ method: 'POST', url: '/mail/send', headers: { ...bearer, 'idempotency-key': 'has space' }, body: mailBody });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('Idempotency-Key');
  });
});
