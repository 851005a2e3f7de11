import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

describe.each(engineKinds)('authentication on %s', (engine) => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom(engine, { env: { MAILROOM_ROOT_KEY: 'root-secret-for-tests' } });
  });
  afterEach(() => m.close());

  const current = (headers: Record<string, string>) => m.request({ method: 'GET', url: '/api/v1/projects/current', headers });

  it('accepts x-stack-secret-server-key with x-stack-project-id', async () => {
    const res = await current(m.serverHeaders);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: m.project.project_id, name: 'test project' });
  });

  it('accepts the x-hexclave- spelling of the same headers', async () => {
    const res = await current({
      'x-hexclave-secret-server-key': m.project.secret_server_key,
      'x-hexclave-project-id': m.project.project_id,
    });
    expect(res.statusCode).toBe(200);
  });

  it('accepts x-stack-admin-access-token with an admin key, and refuses a secret key there', async () => {
    const ok = await current({ 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id });
    expect(ok.statusCode).toBe(200);
    const wrongKind = await current({ 'x-stack-admin-access-token': m.project.secret_server_key, 'x-stack-project-id': m.project.project_id });
    expect(wrongKind.statusCode).toBe(401);
    // Stack's own code for the header the key came in, so Stack's SDKs raise their typed error.
    expect(wrongKind.json()).toMatchObject({ code: 'INVALID_ADMIN_ACCESS_TOKEN' });
  });

  it('accepts Authorization: Bearer, alone or with a matching project id', async () => {
    expect((await current({ authorization: `Bearer ${m.project.secret_server_key}` })).statusCode).toBe(200);
    const withProject = await current({ authorization: `Bearer ${m.project.secret_server_key}`, 'x-stack-project-id': m.project.project_id });
    expect(withProject.statusCode).toBe(200);
  });

  it('rejects a key presented with another project id, in the stack error shape', async () => {
    const other = await m.core.projects.createProject({ name: 'other' });
    const res = await current({ 'x-stack-secret-server-key': m.project.secret_server_key, 'x-stack-project-id': other.project_id });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-stack-known-error']).toBe('INVALID_SECRET_SERVER_KEY');
    expect(res.headers['x-hexclave-known-error']).toBe('INVALID_SECRET_SERVER_KEY');
    expect(res.json()).toEqual({ code: 'INVALID_SECRET_SERVER_KEY', error: expect.any(String), details: { project_id: other.project_id } });
    const bearer = await current({ authorization: `Bearer ${m.project.secret_server_key}`, 'x-stack-project-id': other.project_id });
    expect(bearer.statusCode).toBe(401);
  });

  it('rejects missing credentials, a missing project id and an unknown key', async () => {
    const none = await current({});
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('CLIENT_OR_SERVER_OR_ADMIN_AUTHENTICATION_REQUIRED');
    const noProject = await current({ 'x-stack-secret-server-key': m.project.secret_server_key });
    expect(noProject.statusCode).toBe(401);
    expect(noProject.json().code).toBe('PROJECT_ID_REQUIRED');
    const unknown = await current({ 'x-stack-secret-server-key': 'mr_sk_not-a-real-key', 'x-stack-project-id': m.project.project_id });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ code: 'INVALID_SECRET_SERVER_KEY', details: { project_id: m.project.project_id } });
    expect((await current({ authorization: 'Bearer mr_sk_nope' })).statusCode).toBe(401);
  });

  it('stops accepting a key once it is revoked, and records when keys were used', async () => {
    const admin = { 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id };
    const created = await m.request({ method: 'POST', url: '/api/v1/projects/current/keys', headers: admin, body: { kind: 'secret', name: 'ci' } });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json() as { id: string; key: string };
    const headers = { 'x-stack-secret-server-key': key, 'x-stack-project-id': m.project.project_id };
    expect((await current(headers)).statusCode).toBe(200);

    const listed = await m.request({ method: 'GET', url: '/api/v1/projects/current/keys', headers: admin });
    const entry = (listed.json().items as Array<{ id: string; last_used_at: string | null; prefix: string }>).find((k) => k.id === id);
    expect(entry?.last_used_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(JSON.stringify(listed.json())).not.toContain(key);

    expect((await m.request({ method: 'DELETE', url: `/api/v1/projects/current/keys/${id}`, headers: admin })).statusCode).toBe(204);
    const after = await current(headers);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('INVALID_SECRET_SERVER_KEY');
    expect((await m.request({ method: 'DELETE', url: `/api/v1/projects/current/keys/${id}`, headers: admin })).statusCode).toBe(404);
  });

  it('checks the permissions of scoped keys', async () => {
    const admin = { 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id };
    const scoped = await m.request({
      method: 'POST',
      url: '/api/v1/projects/current/keys',
      headers: admin,
      body: { kind: 'scoped', permissions: ['email.blocks:read'] },
    });
    expect(scoped.statusCode).toBe(201);
    const blocksOnly = { authorization: `Bearer ${scoped.json().key}` };
    const denied = await current(blocksOnly);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'INSUFFICIENT_PERMISSION', details: { permission: 'project:read' } });

    const reader = await m.request({
      method: 'POST',
      url: '/api/v1/projects/current/keys',
      headers: admin,
      body: { kind: 'scoped', permissions: ['project:read'] },
    });
    expect((await current({ authorization: `Bearer ${reader.json().key}` })).statusCode).toBe(200);

    const bad = await m.request({ method: 'POST', url: '/api/v1/projects/current/keys', headers: admin, body: { kind: 'scoped', permissions: ['email.blocks:fly'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'permissions' } });
    const empty = await m.request({ method: 'POST', url: '/api/v1/projects/current/keys', headers: admin, body: { kind: 'scoped' } });
    expect(empty.statusCode).toBe(400);
  });

  it('keeps key administration to admin keys', async () => {
    const res = await m.request({ method: 'GET', url: '/api/v1/projects/current/keys', headers: m.serverHeaders });
    expect(res.statusCode).toBe(403);
    const publishable = await current({ 'x-stack-publishable-client-key': m.project.publishable_client_key, 'x-stack-project-id': m.project.project_id });
    expect(publishable.statusCode).toBe(403);
  });

  it('lets the operator create projects over HTTP with MAILROOM_ROOT_KEY only', async () => {
    const body = { name: 'made by operator' };
    expect((await m.request({ method: 'POST', url: '/api/v1/admin/projects', body })).statusCode).toBe(401);
    const wrong = await m.request({ method: 'POST', url: '/api/v1/admin/projects', headers: { authorization: 'Bearer nope' }, body });
    expect(wrong.statusCode).toBe(401);
    const withProjectKey = await m.request({ method: 'POST', url: '/api/v1/admin/projects', headers: { authorization: `Bearer ${m.project.admin_key}` }, body });
    expect(withProjectKey.statusCode).toBe(401);
    const ok = await m.request({ method: 'POST', url: '/api/v1/admin/projects', headers: { authorization: 'Bearer root-secret-for-tests' }, body });
    expect(ok.statusCode).toBe(201);
    const created = ok.json() as Record<string, string>;
    expect(Object.keys(created).sort()).toEqual(['admin_key', 'project_id', 'publishable_client_key', 'secret_server_key']);
    expect(created.project_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const res = await current({ 'x-stack-secret-server-key': created.secret_server_key!, 'x-stack-project-id': created.project_id! });
    expect(res.json().name).toBe('made by operator');
  });
});

describe('operator access without MAILROOM_ROOT_KEY', () => {
  it('is disabled', async () => {
    const m = await startTestMailroom('sqlite');
    try {
      const res = await m.request({ method: 'POST', url: '/api/v1/admin/projects', headers: { authorization: 'Bearer anything' }, body: { name: 'x' } });
      expect(res.statusCode).toBe(403);
    } finally {
      await m.close();
    }
  });
});
