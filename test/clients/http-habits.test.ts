import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/** What every HTTP client does sooner or later: empty JSON bodies and wrong methods. */
describe('HTTP habits', () => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom('sqlite');
  });
  afterAll(() => m.close());
  const bearer = () => ({ authorization: `Bearer ${m.project.secret_server_key}` });

  it('takes Content-Type: application/json with an empty body as no body', async () => {
    const { ids: [id] } = await m.core.accept.accept(m.project.project_id, {
      source: 'mail', to: [{ email: 'a@example.com' }], subject: 's', content: { kind: 'body', html: '<p>h</p>' }, scheduledAt: Date.now() + 3_600_000,
    });
    for (const url of [`/emails/${id}/cancel`, `/mail/emails/${id}/resend`]) {
      const res = await m.app.inject({ method: 'POST', url, headers: { ...bearer(), 'content-type': 'application/json' }, payload: '' });
      expect(res.statusCode, url).toBe(200);
    }
    // Malformed JSON is still refused.
    const bad = await m.app.inject({ method: 'POST', url: `/emails/${id}/cancel`, headers: { ...bearer(), 'content-type': 'application/json' }, payload: '{' });
    expect(bad.statusCode).toBe(400);
  });

  it('answers a wrong method on an existing path with 405 and Allow, in each family shape', async () => {
    const cases = [
      { url: '/emails/x', method: 'DELETE', allow: 'GET, HEAD, PATCH', body: { statusCode: 405, name: 'method_not_allowed', message: expect.any(String) } },
      { url: '/emails', method: 'TRACE', allow: 'GET, HEAD, POST', body: { statusCode: 405, name: 'method_not_allowed', message: expect.any(String) } },
      { url: '/mail/send', method: 'GET', allow: 'POST', body: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String) } },
      { url: '/api/v1/emails/outbox', method: 'DELETE', allow: 'GET, HEAD', body: { code: 'METHOD_NOT_ALLOWED', error: expect.any(String), details: { allow: ['GET', 'HEAD'] } } },
      { url: '/api/email-templates', method: 'PATCH', allow: expect.stringContaining('GET'), body: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String), data: expect.any(Object) } },
    ] as const;
    for (const c of cases) {
      const res = await m.app.inject({ method: c.method, url: c.url, headers: bearer() });
      expect(res.statusCode, `${c.method} ${c.url}`).toBe(405);
      expect(res.headers.allow).toEqual(c.allow);
      expect(res.json()).toEqual(c.body);
    }
    const unknown = await m.app.inject({ method: 'GET', url: '/emails/x/nothing-here', headers: bearer() });
    expect(unknown.statusCode).toBe(404);
  });
});
