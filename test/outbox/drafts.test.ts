import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { otherProject } from '../support/outbox-rows.js';

describe.each(engineKinds)('drafts on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(() => m.close());

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = m.serverHeaders) =>
    m.request({ method, url, headers, ...(body !== undefined ? { body } : {}) });

  it('creates, lists, reads, updates and deletes a draft', async () => {
    const created = await req('POST', '/api/v1/emails/drafts', { display_name: 'Launch', subject: 'We launched', html: '<p>Hi</p>' });
    expect(created.statusCode).toBe(201);
    const draft = created.json();
    expect(draft).toMatchObject({ id: expect.any(String), display_name: 'Launch', subject: 'We launched', html: '<p>Hi</p>', template_id: null, variables: {}, sent_at: null });
    expect((await req('GET', '/api/v1/emails/drafts')).json().items.map((d: { id: string }) => d.id)).toContain(draft.id);
    expect((await req('GET', `/api/v1/emails/drafts/${draft.id}`)).json()).toEqual(draft);
    const updated = (await req('PATCH', `/api/v1/emails/drafts/${draft.id}`, { subject: 'We really launched' })).json();
    expect(updated).toMatchObject({ subject: 'We really launched', html: '<p>Hi</p>' });
    expect((await req('DELETE', `/api/v1/emails/drafts/${draft.id}`)).json()).toEqual({ success: true });
    expect((await req('GET', `/api/v1/emails/drafts/${draft.id}`)).statusCode).toBe(404);
  });

  it('refuses a subject with a line break, an unknown template, and unknown fields', async () => {
    const crlf = await req('POST', '/api/v1/emails/drafts', { subject: 'a\r\nBcc: x@y.com', html: 'h' });
    expect(crlf.statusCode).toBe(400);
    expect(crlf.json().error).toContain('subject');
    const template = await req('POST', '/api/v1/emails/drafts', { template_id: 'nope' });
    expect(template.statusCode).toBe(404);
    expect((await req('POST', '/api/v1/emails/drafts', { body: 'x' })).statusCode).toBe(400);
  });

  it('answers 404 for another project’s draft', async () => {
    const draft = (await req('POST', '/api/v1/emails/drafts', { subject: 's', html: 'h' })).json();
    const other = await otherProject(m);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await req(method, `/api/v1/emails/drafts/${draft.id}`, method === 'PATCH' ? { subject: 'x' } : undefined, other.stack);
      expect(res.statusCode, method).toBe(404);
    }
    expect((await req('GET', `/api/v1/emails/drafts/${draft.id}`)).json().subject).toBe('s');
  });
});
