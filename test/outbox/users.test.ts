import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { otherProject } from '../support/outbox-rows.js';

describe.each(engineKinds)('users on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(() => m.close());

  const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers = m.serverHeaders) =>
    m.request({ method, url, headers, ...(body !== undefined ? { body } : {}) });

  it('creates, reads, updates and deletes a user with snake_case fields', async () => {
    const created = await req('POST', '/api/v1/users', { primary_email: 'Ann <ann@Bücher.de>', display_name: 'Ann', locale: 'de-DE' });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toEqual({
      id: expect.any(String),
      primary_email: 'ann@xn--bcher-kva.de',
      primary_email_verified: false,
      display_name: 'Ann',
      locale: 'de-DE',
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.any(String),
    });
    expect((await req('GET', `/api/v1/users/${user.id}`)).json()).toEqual(user);
    const updated = await req('PATCH', `/api/v1/users/${user.id}`, { primary_email_verified: true, display_name: null });
    expect(updated.json()).toMatchObject({ id: user.id, primary_email_verified: true, display_name: null, locale: 'de-DE' });
    expect((await req('DELETE', `/api/v1/users/${user.id}`)).json()).toEqual({ success: true });
    const gone = await req('GET', `/api/v1/users/${user.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'USER_NOT_FOUND', error: expect.any(String) });
    expect(gone.headers['x-stack-known-error']).toBe('USER_NOT_FOUND');
  });

  it('a changed primary email is no longer verified unless the patch says so', async () => {
    const { id } = (await req('POST', '/api/v1/users', { primary_email: 'old@example.com', primary_email_verified: true })).json();
    const same = await req('PATCH', `/api/v1/users/${id}`, { primary_email: 'old@example.com', display_name: 'Same' });
    expect(same.json()).toMatchObject({ primary_email: 'old@example.com', primary_email_verified: true });
    const changed = await req('PATCH', `/api/v1/users/${id}`, { primary_email: 'new@example.com' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ primary_email: 'new@example.com', primary_email_verified: false });
    expect((await req('GET', `/api/v1/users/${id}`)).json()).toMatchObject({ primary_email: 'new@example.com', primary_email_verified: false });
    const vouched = await req('PATCH', `/api/v1/users/${id}`, { primary_email: 'third@example.com', primary_email_verified: true });
    expect(vouched.json()).toMatchObject({ primary_email: 'third@example.com', primary_email_verified: true });
    const cleared = await req('PATCH', `/api/v1/users/${id}`, { primary_email: null });
    expect(cleared.json()).toMatchObject({ primary_email: null, primary_email_verified: false });
    expect((await req('PATCH', '/api/v1/users/no-such-user', { primary_email: 'x@example.com' })).statusCode).toBe(404);
  });

  it('lists newest first with cursor pagination', async () => {
    const fresh = await startTestMailroom(engine);
    try {
      for (let i = 0; i < 5; i++) await fresh.request({ method: 'POST', url: '/api/v1/users', headers: fresh.serverHeaders, body: { display_name: `u${i}` } });
      const first = (await fresh.request({ method: 'GET', url: '/api/v1/users?limit=3', headers: fresh.serverHeaders })).json();
      expect(first.items).toHaveLength(3);
      expect(first.pagination.next_cursor).toEqual(expect.any(String));
      const second = (await fresh.request({ method: 'GET', url: `/api/v1/users?limit=3&cursor=${first.pagination.next_cursor}`, headers: fresh.serverHeaders })).json();
      expect(second.items).toHaveLength(2);
      expect(second.pagination.next_cursor).toBeNull();
      const names = [...first.items, ...second.items].map((u: { display_name: string }) => u.display_name);
      expect(new Set(names).size).toBe(5);
    } finally {
      await fresh.close();
    }
  });

  it.each([
    ['a bad email', { primary_email: 'not-an-email' }, 'primary_email'],
    ['a bad locale', { locale: 'German' }, 'body.locale'],
    ['an unknown field', { nickname: 'x' }, 'body.nickname'],
  ])('refuses %s naming the field', async (_n, body, field) => {
    const res = await req('POST', '/api/v1/users', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('SCHEMA_ERROR');
    expect(res.json().error).toContain(field);
  });

  it('answers 404 for another project’s user and refuses the publishable key', async () => {
    const user = (await req('POST', '/api/v1/users', { display_name: 'mine' })).json();
    const other = await otherProject(m);
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await req(method, `/api/v1/users/${user.id}`, method === 'PATCH' ? { display_name: 'x' } : undefined, other.stack);
      expect(res.statusCode, method).toBe(404);
    }
    expect((await req('GET', `/api/v1/users/${user.id}`)).json().display_name).toBe('mine');
    const publishable = await req('GET', '/api/v1/users', undefined, { authorization: `Bearer ${m.project.publishable_client_key}` });
    expect(publishable.statusCode).toBe(403);
  });
});
