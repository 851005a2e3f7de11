import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

describe('HTTP basics', () => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom('sqlite', { env: { MAILROOM_BODY_LIMIT: '2048' } });
  });
  afterAll(() => m.close());

  const admin = () => ({ 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id });

  it('answers health and readiness', async () => {
    expect((await m.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    // Without SMTP_URL the transport is named, so a deploy that forgot its relay shows it here.
    expect((await m.request({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      transport: 'capture (mail is stored in the capture inbox, not delivered; set SMTP_URL to deliver)',
    });
  });

  it('serves the OpenAPI document and a docs page', async () => {
    const doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.paths['/api/v1/projects/current/keys']).toBeDefined();
    expect(doc.paths['/api/v1/projects/current/keys'].post.requestBody).toBeDefined();
    const docs = await m.request({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('gives unknown routes a JSON 404 in the shape of the family the path belongs to', async () => {
    const stack = await m.request({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(stack.statusCode).toBe(404);
    expect(stack.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', error: expect.any(String) });
    const mail = await m.request({ method: 'GET', url: '/mail/nothing' });
    expect(mail.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: expect.any(String) });
    const email = await m.request({ method: 'GET', url: '/api/v1/email/nothing' });
    expect(email.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: expect.any(String) });
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await m.app.inject({
      method: 'PATCH',
      url: '/api/v1/projects/current',
      headers: { ...admin(), 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    // Stack's code for it, with the text where Stack's SDK reads it.
    expect(res.json()).toMatchObject({ code: 'BODY_PARSING_ERROR', details: { message: expect.stringContaining('JSON') } });
  });

  it('answers a wrong content type with 415', async () => {
    const res = await m.app.inject({
      method: 'PATCH',
      url: '/api/v1/projects/current',
      headers: { ...admin(), 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413', async () => {
    const res = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin(), body: { name: 'x'.repeat(5000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('BODY_TOO_LARGE');
  });

  it('names the offending field on schema errors', async () => {
    const res = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin(), body: { name: '', settings: { defaultLocale: 'german' } } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('SCHEMA_ERROR');
    const fields = (body.details.issues as Array<{ field: string }>).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.settings.defaultLocale']));
  });

  it('updates project settings and never shows a DKIM private key back', async () => {
    const res = await m.request({
      method: 'PATCH',
      url: '/api/v1/projects/current',
      headers: admin(),
      body: { settings: { defaultSender: 'App <app@example.com>', dkim: { domainName: 'example.com', keySelector: 's1', privateKey: 'PRIVATE' } } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().settings).toEqual({ defaultSender: 'App <app@example.com>', dkim: { domainName: 'example.com', keySelector: 's1' } });
    expect(res.body).not.toContain('PRIVATE');
  });

  it('never shows an SMTP relay password back, and keeps it when the masked URL is sent back', async () => {
    // A public address literal: relay names must resolve when set, and this sandbox has no DNS.
    const patch = (settings: unknown, headers = admin()) => m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers, body: { settings } });
    const stored = async () => (await m.core.projects.getProject(m.project.project_id)).settings.smtpUrl;
    const set = await patch({ smtpUrl: 'smtp://relay-user:s3cret-pass@203.0.114.10:587' });
    expect(set.statusCode).toBe(200);
    expect(set.json().settings.smtpUrl).toBe('smtp://relay-user:***@203.0.114.10:587');
    expect(set.body).not.toContain('s3cret-pass');
    // Secret keys hold project:read: they see the relay, never its password.
    const read = await m.request({ method: 'GET', url: '/api/v1/projects/current', headers: m.serverHeaders });
    expect(read.json().settings).toMatchObject({ smtpUrl: 'smtp://relay-user:***@203.0.114.10:587' });
    expect(read.body).not.toContain('s3cret-pass');

    // GET, change something else, PATCH back: the password is kept, not replaced by "***".
    const kept = await patch({ ...read.json().settings, defaultLocale: 'de' });
    expect(kept.statusCode).toBe(200);
    expect(await stored()).toBe('smtp://relay-user:s3cret-pass@203.0.114.10:587');
    // "***" with another host or user would send the old password elsewhere: refused.
    const moved = await patch({ smtpUrl: 'smtp://relay-user:***@evil.example.net:587' });
    expect(moved.statusCode).toBe(400);
    expect(moved.json()).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'settings.smtpUrl' } });
    expect(await stored()).toBe('smtp://relay-user:s3cret-pass@203.0.114.10:587');
    // A whole new URL replaces it.
    expect((await patch({ smtpUrl: 'smtps://other:new-pass@203.0.114.11:465' })).statusCode).toBe(200);
    expect(await stored()).toBe('smtps://other:new-pass@203.0.114.11:465');
  });

  it("refuses a project's SMTP relay on this machine or a private network", async () => {
    for (const smtpUrl of ['smtp://u:p@127.0.0.1:25', 'smtp://localhost:2525', 'smtp://[::1]:25', 'smtp://10.0.0.5:25', 'smtps://169.254.169.254:465']) {
      const res = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin(), body: { settings: { smtpUrl } } });
      expect(res.statusCode, smtpUrl).toBe(400);
      expect(res.json()).toMatchObject({ code: 'SMTP_URL_NOT_ALLOWED', details: { field: 'settings.smtpUrl' } });
    }
    expect((await m.core.projects.getProject(m.project.project_id)).settings.smtpUrl ?? '').not.toMatch(/127\.0\.0\.1|localhost|10\.0\.0\.5|169\.254/);
  });

  it('echoes a request id', async () => {
    const res = await m.request({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    const generated = await m.request({ method: 'GET', url: '/healthz' });
    expect(generated.headers['x-request-id']).toMatch(/[0-9a-f-]{36}/);
  });
});
