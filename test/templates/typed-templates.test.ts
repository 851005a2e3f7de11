import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { expectError, otherProjectHeaders, scopedHeaders, withoutPermission } from './helpers.js';

interface Typed {
  tenantId: string;
  id: string;
  languageTag: string;
  templateType: string;
  details: Record<string, string>;
  createdAt: number;
}

describe.each(engineKinds)('/api/email-templates (seed 004) on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterEach(() => m.close());

  const put = (templates: unknown, headers = auth) => m.request({ method: 'PUT', url: '/api/email-templates', headers, body: { templates } });
  const list = async (query = '', headers = auth) => (await m.request({ method: 'GET', url: `/api/email-templates${query}`, headers })).json() as Typed[];
  const details = (subject: string) => ({ subject, content: `<p>${subject} {{ code }}</p>`, contentType: 'text/html' });

  it('bulk upserts, keeps ids on replace, and lists with filters', async () => {
    const first = await put([
      { languageTag: 'en', templateType: 'SignIn', details: details('Sign in') },
      { languageTag: 'de', templateType: 'SignIn', details: details('Anmelden') },
      { languageTag: 'en', templateType: 'Generic', details: details('Code') },
    ]);
    expect(first.statusCode, first.body).toBe(200);
    const created = first.json() as Typed[];
    expect(created).toHaveLength(3);
    expect(created[0]).toEqual({ tenantId: m.project.project_id, id: expect.any(String), languageTag: 'en', templateType: 'SignIn', details: details('Sign in'), createdAt: expect.any(Number) });
    for (const t of created) expect(t.id.length).toBeLessThanOrEqual(21);

    const replaced = (await put([{ languageTag: 'en', templateType: 'SignIn', details: { subject: 'New', content: 'plain {{ code }}', contentType: 'text/plain' } }])).json() as Typed[];
    expect(replaced[0]).toMatchObject({ id: created[0]!.id, createdAt: created[0]!.createdAt, details: { subject: 'New', content: 'plain {{ code }}', contentType: 'text/plain' } });
    // Details are replaced, not merged: fields left out are gone.
    expect(replaced[0]!.details).not.toHaveProperty('replyTo');

    expect((await list()).map((t) => `${t.languageTag}/${t.templateType}`).sort()).toEqual(['de/SignIn', 'en/Generic', 'en/SignIn']);
    expect((await list('?languageTag=en')).map((t) => t.templateType).sort()).toEqual(['Generic', 'SignIn']);
    expect((await list('?templateType=SignIn')).map((t) => t.languageTag).sort()).toEqual(['de', 'en']);
    expect((await list('?languageTag=de&templateType=Generic'))).toEqual([]);
    expectError(await m.request({ method: 'GET', url: '/api/email-templates?templateType=Nope', headers: auth }), 400, 'SCHEMA_ERROR');
  });

  it('is all or nothing: a bad entry in a bulk upsert writes none', async () => {
    const dup = await put([
      { languageTag: 'en', templateType: 'Register', details: details('a') },
      { languageTag: 'en', templateType: 'Register', details: details('b') },
    ]);
    expect(expectError(dup, 400, 'SCHEMA_ERROR').data).toMatchObject({ field: 'templates.1' });
    const syntax = await put([
      { languageTag: 'en', templateType: 'Register', details: details('a') },
      { languageTag: 'fr', templateType: 'Register', details: { subject: 'x', content: '{% if %}' } },
    ]);
    expect(expectError(syntax, 400, 'TEMPLATE_INVALID').data).toMatchObject({ field: 'templates.1.details.content' });
    const type = expectError(await put([{ languageTag: 'en', templateType: 'Unknown', details: details('a') }]), 400, 'SCHEMA_ERROR');
    expect(type.message).toContain('templateType');
    expectError(await put([{ languageTag: 'en', templateType: 'SignIn', details: { subject: 'x' } }]), 400, 'SCHEMA_ERROR');
    expectError(await put([{ languageTag: 'x'.repeat(17), templateType: 'SignIn', details: details('a') }]), 400, 'SCHEMA_ERROR');
    expectError(await put([]), 400, 'SCHEMA_ERROR');
    expect(await list()).toEqual([]);
  });

  it('gets, patches details (shallow merge) and deletes by id', async () => {
    const [t] = (await put([{ languageTag: 'en', templateType: 'ForgotPassword', details: { ...details('Reset'), replyTo: 'help' } }])).json() as Typed[];
    const got = await m.request({ method: 'GET', url: `/api/email-templates/${t!.id}`, headers: auth });
    expect(got.json()).toEqual(t);
    const patched = await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: auth, body: { subject: 'Reset now', sendFrom: 'Acme' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toEqual({ ...t, details: { ...details('Reset'), subject: 'Reset now', replyTo: 'help', sendFrom: 'Acme' } });
    expectError(await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: auth, body: { contentType: 'image/png' } }), 400, 'SCHEMA_ERROR');
    expectError(await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: auth, body: { other: 1 } }), 400, 'SCHEMA_ERROR');
    expectError(await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: auth, body: { content: '{{ a | nofilter }}' } }), 400, 'TEMPLATE_INVALID');
    expect((await m.request({ method: 'DELETE', url: `/api/email-templates/${t!.id}`, headers: auth })).statusCode).toBe(204);
    expectError(await m.request({ method: 'GET', url: `/api/email-templates/${t!.id}`, headers: auth }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/email-templates/${t!.id}`, headers: auth }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: auth, body: { subject: 'x' } }), 404, 'NOT_FOUND');
  });

  it('deletes by filter, and refuses a delete without any filter', async () => {
    await put([
      { languageTag: 'en', templateType: 'SignIn', details: details('a') },
      { languageTag: 'de', templateType: 'SignIn', details: details('b') },
      { languageTag: 'de', templateType: 'Register', details: details('c') },
    ]);
    const refused = expectError(await m.request({ method: 'DELETE', url: '/api/email-templates', headers: auth }), 400, 'SCHEMA_ERROR');
    expect(refused).toEqual({ code: 'SCHEMA_ERROR', message: expect.any(String), data: { field: 'query' } });
    expect((await list()).length).toBe(3);
    const byTag = await m.request({ method: 'DELETE', url: '/api/email-templates?languageTag=de&templateType=SignIn', headers: auth });
    expect(byTag.json()).toEqual({ rowCount: 1 });
    expect((await m.request({ method: 'DELETE', url: '/api/email-templates?languageTag=de', headers: auth })).json()).toEqual({ rowCount: 1 });
    expect((await list()).map((t) => t.languageTag)).toEqual(['en']);
  });

  it("keeps another project's templates out of reach (404) and lets it hold the same keys", async () => {
    const [t] = (await put([{ languageTag: 'en', templateType: 'SignIn', details: details('mine') }])).json() as Typed[];
    const other = await otherProjectHeaders(m);
    expect(await list('', other)).toEqual([]);
    expectError(await m.request({ method: 'GET', url: `/api/email-templates/${t!.id}`, headers: other }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, headers: other, body: { subject: 'x' } }), 404, 'NOT_FOUND');
    expectError(await m.request({ method: 'DELETE', url: `/api/email-templates/${t!.id}`, headers: other }), 404, 'NOT_FOUND');
    expect((await m.request({ method: 'DELETE', url: '/api/email-templates?languageTag=en', headers: other })).json()).toEqual({ rowCount: 0 });
    const theirs = (await put([{ languageTag: 'en', templateType: 'SignIn', details: details('theirs') }], other)).json() as Typed[];
    expect(theirs[0]!.id).not.toBe(t!.id);
    expect((await list())[0]!.details.subject).toBe('mine');
  });

  it('answers 401 without a key and 403 for each missing permission', async () => {
    const [t] = (await put([{ languageTag: 'en', templateType: 'SignIn', details: details('a') }])).json() as Typed[];
    expectError(await m.request({ method: 'GET', url: '/api/email-templates' }), 401, 'UNAUTHENTICATED');
    expectError(await m.request({ method: 'GET', url: '/api/email-templates', headers: { authorization: 'Bearer mr_sk_wrong' } }), 401, 'INVALID_API_KEY');
    const cases = [
      { permission: 'email.templates:update', method: 'PUT', url: '/api/email-templates', body: { templates: [{ languageTag: 'fr', templateType: 'SignIn', details: details('x') }] } },
      { permission: 'email.templates:read', method: 'GET', url: '/api/email-templates' },
      { permission: 'email.templates:read', method: 'GET', url: `/api/email-templates/${t!.id}` },
      { permission: 'email.templates:update', method: 'PATCH', url: `/api/email-templates/${t!.id}/details`, body: { subject: 'y' } },
      { permission: 'email.templates:delete', method: 'DELETE', url: '/api/email-templates?languageTag=fr' },
      { permission: 'email.templates:delete', method: 'DELETE', url: `/api/email-templates/${t!.id}` },
    ] as const;
    for (const c of cases) {
      const body = 'body' in c ? { body: c.body } : {};
      const denied = await m.request({ method: c.method, url: c.url, headers: await withoutPermission(m, c.permission), ...body });
      expect(expectError(denied, 403, 'INSUFFICIENT_PERMISSION')).toEqual({ code: 'INSUFFICIENT_PERMISSION', message: expect.any(String), data: { permission: c.permission } });
      const allowed = await m.request({ method: c.method, url: c.url, headers: await scopedHeaders(m, [c.permission]), ...body });
      expect(allowed.statusCode, `${c.method} ${c.url}: ${allowed.body}`).toBeLessThan(300);
    }
  });

  it('chooses a typed template by type and locale with Generic as fallback, and renders it escaped', async () => {
    await put([
      { languageTag: 'en', templateType: 'SignIn', details: { subject: 'Sign in: {{ code }}', content: '<p>Code {{ code }}</p>', replyTo: 'Support {{ app }}' } },
      { languageTag: 'de', templateType: 'SignIn', details: { subject: 'Anmelden: {{ code }}', content: '<p>Code {{ code }}</p>' } },
      { languageTag: 'fr', templateType: 'Generic', details: { subject: 'Code: {{ code }}', content: 'Code {{ code }}', contentType: 'text/plain' } },
      { languageTag: 'en', templateType: 'Generic', details: { subject: 'Generic {{ code }}', content: '<p>{{ code }}</p>' } },
    ]);
    const typed = m.core.templating.typedTemplates;
    const pid = m.project.project_id;
    const pick = async (type: 'SignIn' | 'Register', locale: string | null) => {
      const t = await typed.choose(pid, type, locale);
      return t && `${t.languageTag}/${t.templateType}`;
    };
    expect(await pick('SignIn', 'de-DE')).toBe('de/SignIn');
    expect(await pick('SignIn', 'fr')).toBe('fr/Generic');
    expect(await pick('Register', 'fr-FR')).toBe('fr/Generic');
    // No language of the chain: the type in some language beats Generic.
    expect(await pick('Register', 'it')).toMatch(/^(en|fr)\/Generic$/);
    expect(await pick('SignIn', 'it')).toMatch(/^(en|de)\/SignIn$/);
    await m.core.projects.updateProject(pid, { settings: { defaultLocale: 'de' } });
    m.core.templating.cache.invalidate(pid);
    expect(await pick('SignIn', 'it')).toBe('de/SignIn');

    const html = await typed.render(pid, 'SignIn', 'en', { code: '<b>1</b>', app: 'Acme' });
    expect(html).toMatchObject({ subject: 'Sign in: <b>1</b>', html: '<p>Code &lt;b&gt;1&lt;/b&gt;</p>', replyTo: 'Support Acme', sendFrom: null });
    expect(html.text).toBe('Code <b>1</b>');
    const plain = await typed.render(pid, 'Register', 'fr', { code: '<b>1</b>' });
    expect(plain).toMatchObject({ subject: 'Code: <b>1</b>', html: null, text: 'Code <b>1</b>' });
    await m.request({ method: 'DELETE', url: '/api/email-templates?templateType=Generic', headers: auth });
    await expect(typed.render(pid, 'Register', 'fr', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
