import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../src/core/events.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { expectError, otherProjectHeaders, scopedHeaders, withoutPermission } from './helpers.js';

describe.each(engineKinds)('email blocks (seed 002) on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterEach(() => m.close());

  const create = (body: unknown, headers = auth) => m.request({ method: 'POST', url: '/api/v1/email/blocks', headers, body });

  it('creates, lists, gets, updates and deletes blocks with epoch-ms times, emitting events', async () => {
    const events: Array<[string, EventMap['block:add']]> = [];
    for (const name of ['block:add', 'block:update', 'block:delete'] as const) m.core.events.on(name, (b) => events.push([name, b]));

    const created = await create({ name: 'Footer', content: '<p>Bye {{ name }}</p>' });
    expect(created.statusCode).toBe(201);
    const block = created.json();
    expect(block).toEqual({ uuid: expect.any(String), name: 'Footer', content: '<p>Bye {{ name }}</p>', createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect(Number.isInteger(block.createdAt) && block.createdAt > 1_600_000_000_000).toBe(true);

    const list = await m.request({ method: 'GET', url: '/api/v1/email/blocks', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([block]);
    const got = await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: m.serverHeaders });
    expect(got.json()).toEqual(block);

    const updated = await m.request({ method: 'PATCH', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth, body: { content: '<p>See you</p>' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ uuid: block.uuid, name: 'Footer', content: '<p>See you</p>', createdAt: block.createdAt });
    expect(updated.json().updatedAt).toBeGreaterThan(block.updatedAt);

    const deleted = await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expectError(await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth }), 404, 'NOT_FOUND');

    expect(events.map(([name]) => name)).toEqual(['block:add', 'block:update', 'block:delete']);
    expect(events[0]![1]).toMatchObject({ projectId: m.project.project_id, uuid: block.uuid, name: 'Footer', content: '<p>Bye {{ name }}</p>', createdAt: block.createdAt });
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const missing = expectError(await create({ name: 'x' }), 400, 'SCHEMA_ERROR');
    expect(missing.details).toMatchObject({ field: 'body.content' });
    expectError(await create({ name: '', content: 'x' }), 400, 'SCHEMA_ERROR');
    expectError(await create({ name: 'x', content: 'x', extra: 1 }), 400, 'SCHEMA_ERROR');
    const syntax = expectError(await create({ name: 'x', content: '<p>{% if %}</p>' }), 400, 'TEMPLATE_INVALID');
    expect(syntax.message).toMatch(/^content: syntax error/);
    expect(syntax.details).toMatchObject({ field: 'content' });
    const nested = expectError(await create({ name: 'x', content: '{{ block:abc }}' }), 400, 'TEMPLATE_INVALID');
    expect(nested.message).toContain('cannot contain other blocks');
    const partial = expectError(await create({ name: 'x', content: "{% include 'secrets' %}" }), 400, 'TEMPLATE_INVALID');
    expect(partial.message).toContain('include');
    const list = await m.request({ method: 'GET', url: '/api/v1/email/blocks', headers: auth });
    expect(list.json()).toEqual([]);
  });

  it('refuses to delete a block a template uses (409) until the template stops using it', async () => {
    const block = (await create({ name: 'Header', content: '<h1>Hi</h1>' })).json();
    const template = await m.request({
      method: 'POST',
      url: '/api/v1/email/templates',
      headers: auth,
      body: { name: 'welcome', subject: 'Welcome', body: `{{ block:${block.uuid} }}<p>Body</p>` },
    });
    expect(template.statusCode).toBe(201);
    const conflict = expectError(await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth }), 409, 'BLOCK_IN_USE');
    expect(conflict.details).toEqual({ templates: [template.json().uuid] });
    expect((await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth })).statusCode).toBe(200);

    await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${template.json().uuid}`, headers: auth, body: { body: '<p>No header</p>' } });
    expect((await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth })).statusCode).toBe(204);
  });

  it('refuses a block update that would leave a template with an untranslated text key', async () => {
    const block = (await create({ name: 'Header', content: '<h1>{{ text:title }}</h1>' })).json();
    const template = await m.request({
      method: 'POST',
      url: '/api/v1/email/templates',
      headers: auth,
      body: { name: 'welcome', subject: 'Welcome', body: `{{ block:${block.uuid} }}`, translations: { en: { title: 'Hello' } } },
    });
    expect(template.statusCode).toBe(201);
    const res = await m.request({ method: 'PATCH', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth, body: { content: '{{ text:unknown }}' } });
    const body = expectError(res, 400, 'TEMPLATE_INVALID');
    expect(body.message).toContain('welcome');
    expect(body.message).toContain('unknown');
    expect((await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth })).json().content).toBe('<h1>{{ text:title }}</h1>');
  });

  it("keeps another project's blocks invisible (404)", async () => {
    const block = (await create({ name: 'Mine', content: 'x' })).json();
    const other = await otherProjectHeaders(m);
    expect((await m.request({ method: 'GET', url: '/api/v1/email/blocks', headers: other })).json()).toEqual([]);
    expectError(await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: other }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'PATCH', url: `/api/v1/email/blocks/${block.uuid}`, headers: other, body: { name: 'stolen' } }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}`, headers: other }), 404, 'NOT_FOUND');
    expect((await m.request({ method: 'GET', url: `/api/v1/email/blocks/${block.uuid}`, headers: auth })).json().name).toBe('Mine');
  });

  it('requires the named permission on email.blocks for each endpoint', async () => {
    const block = (await create({ name: 'B', content: 'x' })).json();
    const cases = [
      { permission: 'email.blocks:read', method: 'GET', url: '/api/v1/email/blocks' },
      { permission: 'email.blocks:read', method: 'GET', url: `/api/v1/email/blocks/${block.uuid}` },
      { permission: 'email.blocks:create', method: 'POST', url: '/api/v1/email/blocks', body: { name: 'n', content: 'c' } },
      { permission: 'email.blocks:update', method: 'PATCH', url: `/api/v1/email/blocks/${block.uuid}`, body: { name: 'n' } },
      { permission: 'email.blocks:delete', method: 'DELETE', url: `/api/v1/email/blocks/${block.uuid}` },
    ] as const;
    for (const c of cases) {
      const denied = await m.request({ method: c.method, url: c.url, headers: await withoutPermission(m, c.permission), ...('body' in c ? { body: c.body } : {}) });
      expect(expectError(denied, 403, 'INSUFFICIENT_PERMISSION').details).toEqual({ permission: c.permission });
      const allowed = await m.request({ method: c.method, url: c.url, headers: await scopedHeaders(m, [c.permission]), ...('body' in c ? { body: c.body } : {}) });
      expect(allowed.statusCode, `${c.method} ${c.url}`).toBeLessThan(300);
    }
    expectError(await m.request({ method: 'GET', url: '/api/v1/email/blocks' }), 401, 'UNAUTHENTICATED');
  });
});
