import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../src/core/events.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { expectError, otherProjectHeaders, scopedHeaders, withoutPermission } from './helpers.js';

describe.each(engineKinds)('email templates (seed 002) on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterEach(() => m.close());

  const post = (url: string, body: unknown, headers = auth) => m.request({ method: 'POST', url, headers, body });
  const newBlock = async (content: string) => (await post('/api/v1/email/blocks', { name: 'b', content })).json().uuid as string;

  it('creates, lists, gets, updates and deletes templates with the seed fields, emitting events', async () => {
    const events: Array<[string, EventMap['template:add']]> = [];
    for (const name of ['template:add', 'template:update', 'template:delete'] as const) m.core.events.on(name, (t) => events.push([name, t]));
    const header = await newBlock('<h1>{{ text:title }}</h1>');
    const input = {
      name: 'verify',
      subject: '{{ text:subject }} {{ code }}',
      body: `{{ block:${header} }}<p>{{ text:intro }} {{ code }}</p>`,
      translations: { en: { title: 'Hello', subject: 'Your code', intro: 'Use' }, de: { title: 'Hallo', subject: 'Ihr Code', intro: 'Nutze' } },
      parameters: ['code'],
    };
    const created = await post('/api/v1/email/templates', input);
    expect(created.statusCode, created.body).toBe(201);
    const t = created.json();
    expect(t).toEqual({ ...input, uuid: expect.any(String), blocks: [header], inlineCss: false, createdAt: expect.any(Number), updatedAt: expect.any(Number) });

    expect((await m.request({ method: 'GET', url: '/api/v1/email/templates', headers: auth })).json()).toEqual([t]);
    expect((await m.request({ method: 'GET', url: `/api/v1/email/templates/${t.uuid}`, headers: m.serverHeaders })).json()).toEqual(t);

    const patched = await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${t.uuid}`, headers: auth, body: { body: '<p>{{ code }}</p>', parameters: ['code', 'name'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ uuid: t.uuid, name: 'verify', blocks: [], parameters: ['code', 'name'], subject: input.subject, createdAt: t.createdAt });
    expect(patched.json().updatedAt).toBeGreaterThan(t.updatedAt);

    expect((await m.request({ method: 'DELETE', url: `/api/v1/email/templates/${t.uuid}`, headers: auth })).statusCode).toBe(204);
    expectError(await m.request({ method: 'GET', url: `/api/v1/email/templates/${t.uuid}`, headers: auth }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/v1/email/templates/${t.uuid}`, headers: auth }), 404, 'NOT_FOUND');
    expect(events.map(([name]) => name)).toEqual(['template:add', 'template:update', 'template:delete']);
    expect(events[0]![1]).toMatchObject({ projectId: m.project.project_id, uuid: t.uuid, name: 'verify', blocks: [header] });
    // The block is free again once the template is gone.
    expect((await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${header}`, headers: auth })).statusCode).toBe(204);
  });

  it('refuses a template with a syntax error, an unknown block or an untranslated text key, naming the problem', async () => {
    const base = { name: 't', subject: 'Hi', body: '<p>ok</p>' };
    const syntax = expectError(await post('/api/v1/email/templates', { ...base, body: '<p>{% for x in items %}</p>' }), 400, 'TEMPLATE_INVALID');
    expect(syntax.message).toMatch(/^body: syntax error: .*for/);
    expect(syntax.details).toMatchObject({ field: 'body' });
    const subject = expectError(await post('/api/v1/email/templates', { ...base, subject: '{{ name | nosuchfilter }}' }), 400, 'TEMPLATE_INVALID');
    expect(subject.message).toMatch(/^subject: syntax error: undefined filter: nosuchfilter/);
    const block = expectError(await post('/api/v1/email/templates', { ...base, body: '{{ block:0000-nope }}' }), 400, 'TEMPLATE_INVALID');
    expect(block.message).toBe('body: unknown block 0000-nope');
    const listed = expectError(await post('/api/v1/email/templates', { ...base, blocks: ['nope'] }), 400, 'TEMPLATE_INVALID');
    expect(listed.message).toBe('blocks: unknown block nope');
    const key = expectError(await post('/api/v1/email/templates', { ...base, body: '{{ text:greeting }}', translations: { en: { other: 'x' } } }), 400, 'TEMPLATE_INVALID');
    expect(key.message).toContain('text key "greeting"');
    const translation = expectError(
      await post('/api/v1/email/templates', { ...base, body: '{{ text:a }}', translations: { de: { a: '{% if %}' } } }),
      400,
      'TEMPLATE_INVALID',
    );
    expect(translation.details).toMatchObject({ field: 'translations.de.a' });
    const locale = expectError(await post('/api/v1/email/templates', { ...base, translations: { german: { a: 'x' } } }), 400, 'SCHEMA_ERROR');
    expect(String(locale.details && (locale.details as { field: string }).field)).toContain('translations');
    expectError(await post('/api/v1/email/templates', { ...base, parameters: ['not a name'] }), 400, 'SCHEMA_ERROR');
    const missing = expectError(await post('/api/v1/email/templates', { name: 't', body: 'x' }), 400, 'SCHEMA_ERROR');
    expect(missing.details).toMatchObject({ field: 'body.subject' });
    expect((await m.request({ method: 'GET', url: '/api/v1/email/templates', headers: auth })).json()).toEqual([]);
  });

  it('keeps names unique per project (409) and leaves the template unchanged on a refused update', async () => {
    const a = (await post('/api/v1/email/templates', { name: 'a', subject: 's', body: 'b' })).json();
    await post('/api/v1/email/templates', { name: 'b', subject: 's', body: 'b' });
    expectError(await post('/api/v1/email/templates', { name: 'a', subject: 's', body: 'b' }), 409, 'TEMPLATE_NAME_TAKEN');
    expectError(await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${a.uuid}`, headers: auth, body: { name: 'b' } }), 409, 'TEMPLATE_NAME_TAKEN');
    expectError(await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${a.uuid}`, headers: auth, body: { body: '{% if %}' } }), 400, 'TEMPLATE_INVALID');
    expectError(await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${a.uuid}`, headers: auth, body: {} }), 400, 'SCHEMA_ERROR');
    expect((await m.request({ method: 'GET', url: `/api/v1/email/templates/${a.uuid}`, headers: auth })).json()).toEqual(a);
    // Another project may use the same name.
    expect((await post('/api/v1/email/templates', { name: 'a', subject: 's', body: 'b' }, await otherProjectHeaders(m))).statusCode).toBe(201);
  });

  it('refuses, at the store, a template write naming a block that is gone (the foreign key holds)', async () => {
    const now = Date.now();
    const template = {
      uuid: '00000000-0000-4000-8000-000000000001',
      projectId: m.project.project_id,
      name: 'raced',
      blocks: ['00000000-0000-4000-8000-00000000dead'],
      subject: 's',
      body: 'b',
      translations: {},
      parameters: [],
      inlineCss: false,
      createdAt: now,
      updatedAt: now,
    };
    expect(await m.core.store.templates.insertTemplate(template)).toBe('block-missing');
    expect(await m.core.store.templates.getTemplate(m.project.project_id, template.uuid)).toBeUndefined();
    expect(await m.core.store.templates.insertTemplate({ ...template, blocks: [] })).toBe('ok');
    expect(await m.core.store.templates.insertTemplate({ ...template, uuid: '00000000-0000-4000-8000-000000000002' })).toBe('name-taken');
  });

  it("keeps another project's templates and blocks out of reach (404, 400 unknown block)", async () => {
    const t = (await post('/api/v1/email/templates', { name: 'mine', subject: 's', body: 'b' })).json();
    const mineBlock = await newBlock('x');
    const other = await otherProjectHeaders(m);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/templates', headers: other })).json()).toEqual([]);
    expectError(await m.request({ method: 'GET', url: `/api/v1/email/templates/${t.uuid}`, headers: other }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${t.uuid}`, headers: other, body: { name: 'x' } }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/v1/email/templates/${t.uuid}`, headers: other }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'GET', url: `/api/v1/email/render/${t.uuid}`, headers: other }), 404, 'NOT_FOUND');
    const foreignBlock = await post('/api/v1/email/templates', { name: 'x', subject: 's', body: `{{ block:${mineBlock} }}` }, other);
    expectError(foreignBlock, 400, 'TEMPLATE_INVALID');
  });

  it('documents both template families in the OpenAPI document', async () => {
    const doc = (await m.request({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/email/blocks/{blockUuid}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/api/v1/email/render/{templateUuid}']).toHaveProperty('get');
    expect(doc.paths['/api/v1/email/preview']).toHaveProperty('post');
    expect(Object.keys(doc.paths['/api/email-templates'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/api/email-templates/{id}/details']).toHaveProperty('patch');
  });

  it('requires the named permission on email.templates for each endpoint', async () => {
    const t = (await post('/api/v1/email/templates', { name: 'p', subject: 's', body: 'b' })).json();
    const cases = [
      { permission: 'email.templates:read', method: 'GET', url: '/api/v1/email/templates' },
      { permission: 'email.templates:read', method: 'GET', url: `/api/v1/email/templates/${t.uuid}` },
      { permission: 'email.templates:read', method: 'GET', url: `/api/v1/email/render/${t.uuid}?locale=en` },
      { permission: 'email.templates:read', method: 'POST', url: '/api/v1/email/preview', body: { html: '<p>x</p>', subject: 's' } },
      { permission: 'email.templates:create', method: 'POST', url: '/api/v1/email/templates', body: { name: 'n', subject: 's', body: 'b' } },
      { permission: 'email.templates:update', method: 'PATCH', url: `/api/v1/email/templates/${t.uuid}`, body: { subject: 'x' } },
      { permission: 'email.templates:delete', method: 'DELETE', url: `/api/v1/email/templates/${t.uuid}` },
    ] as const;
    for (const c of cases) {
      const body = 'body' in c ? { body: c.body } : {};
      const denied = await m.request({ method: c.method, url: c.url, headers: await withoutPermission(m, c.permission), ...body });
      expect(expectError(denied, 403, 'INSUFFICIENT_PERMISSION').details).toEqual({ permission: c.permission });
      const allowed = await m.request({ method: c.method, url: c.url, headers: await scopedHeaders(m, [c.permission]), ...body });
      expect(allowed.statusCode, `${c.method} ${c.url}: ${allowed.body}`).toBeLessThan(300);
    }
    const admin = { 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id };
    expect((await m.request({ method: 'GET', url: '/api/v1/email/templates', headers: admin })).statusCode).toBe(200);
    const publishable = { 'x-stack-publishable-client-key': m.project.publishable_client_key, 'x-stack-project-id': m.project.project_id };
    expectError(await m.request({ method: 'GET', url: '/api/v1/email/templates', headers: publishable }), 403, 'INSUFFICIENT_PERMISSION');
  });
});
