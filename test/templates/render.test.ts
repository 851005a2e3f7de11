import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderError } from '../../src/core/templates/renderer.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { expectError } from './helpers.js';

describe.each(engineKinds)('rendering on %s', (engine) => {
  let m: TestMailroom;
  let auth: Record<string, string>;
  beforeEach(async () => {
    m = await startTestMailroom(engine);
    auth = { authorization: `Bearer ${m.project.secret_server_key}` };
  });
  afterEach(() => m.close());

  const post = (url: string, body: unknown) => m.request({ method: 'POST', url, headers: auth, body });
  const render = (uuid: string, query: string) => m.request({ method: 'GET', url: `/api/v1/email/render/${uuid}?${query}`, headers: auth });
  const createTemplate = async (body: Record<string, unknown>) => {
    const res = await post('/api/v1/email/templates', { name: `t${Math.random()}`, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { uuid: string; name: string };
  };
  const setDefaultLocale = (defaultLocale: string) =>
    m.core.projects.updateProject(m.project.project_id, { settings: { defaultSender: 'app@example.com', defaultLocale } });

  async function greeting() {
    const header = (await post('/api/v1/email/blocks', { name: 'header', content: '<h1>{{ text:title }}, {{ username }}</h1>' })).json().uuid;
    const footer = (await post('/api/v1/email/blocks', { name: 'footer', content: '<footer>{{ text:bye }}</footer>' })).json().uuid;
    return createTemplate({
      subject: '{{ text:subject }} {{ code }}',
      body: `{{ block:${header} }}<p>{{ text:intro }} <b>{{ param:code }}</b></p>{% if vip %}<i>VIP</i>{% endif %}{{ block:${footer} }}`,
      translations: {
        en: { title: 'Hello', subject: 'Your code', intro: 'Your code is', bye: 'Bye', only_en: 'English only' },
        de: { title: 'Hallo', subject: 'Ihr Code', intro: 'Ihr Code lautet' },
        'de-AT': { title: 'Servus' },
      },
      parameters: ['code', 'username'],
    });
  }

  it('renders blocks, texts and parameters for a locale (seed 002 render)', async () => {
    const t = await greeting();
    const res = await render(t.uuid, 'locale=de-AT&code=123456&username=Ann&vip=yes');
    expect(res.statusCode, res.body).toBe(200);
    // de-AT has only `title`; de supplies the rest; `bye` exists only in en (the base text).
    expect(res.json()).toEqual({
      subject: 'Ihr Code 123456',
      body: '<h1>Servus, Ann</h1><p>Ihr Code lautet <b>123456</b></p><i>VIP</i><footer>Bye</footer>',
    });
  });

  it('falls back exact -> language -> project default -> base text, and never shows a raw text key', async () => {
    const t = await createTemplate({
      subject: '{{ text:a }}|{{ text:b }}|{{ text:c }}|{{ text:d }}',
      body: '<p>{{ text:a }}</p>',
      // Base text is the first language (in the template's order) defining the key.
      translations: { es: { a: 'es-a', b: 'es-b', c: 'es-c', d: 'es-d' }, fr: { a: 'fr-a', b: 'fr-b', c: 'fr-c' }, de: { a: 'de-a', b: 'de-b' }, 'de-CH': { a: 'ch-a' } },
    });
    const subject = async (query: string) => (await render(t.uuid, query)).json().subject as string;
    expect(await subject('locale=de-CH')).toBe('ch-a|de-b|es-c|es-d');
    await setDefaultLocale('fr');
    // The project's default locale is read through a short cache; drop it as a settings change would.
    m.core.templating.cache.invalidate(m.project.project_id);
    expect(await subject('locale=de-CH')).toBe('ch-a|de-b|fr-c|es-d');
    expect(await subject('locale=it-IT')).toBe('fr-a|fr-b|fr-c|es-d');
    expect(await subject('')).toBe('fr-a|fr-b|fr-c|es-d');
    for (const query of ['locale=de-CH', 'locale=it', '']) expect(await subject(query)).not.toContain('text:');
  });

  it('lets translations use parameters and Liquid, escaped like the body', async () => {
    const t = await createTemplate({
      subject: '{{ text:subject }}',
      body: '<p>{{ text:hello }}</p>',
      translations: { en: { subject: 'Hi {{ name }}', hello: 'Hello {{ name | upcase }}{% if n > 1 %}, {{ n }} items{% endif %}' } },
    });
    const res = await render(t.uuid, 'name=<b>&n=3');
    expect(res.json()).toEqual({ subject: 'Hi <b>', body: '<p>Hello &lt;B&gt;, 3 items</p>' });
  });

  it('answers 400 listing every missing required parameter, and validates the locale', async () => {
    const t = await greeting();
    const missing = expectError(await render(t.uuid, 'locale=en'), 400, 'MISSING_PARAMETERS');
    expect(missing.details).toEqual({ missing: ['code', 'username'] });
    expect(missing.message).toBe('missing required parameters: code, username');
    expect(expectError(await render(t.uuid, 'locale=en&code=1'), 400, 'MISSING_PARAMETERS').details).toEqual({ missing: ['username'] });
    for (const bad of ['EN', 'en-gb', 'english', 'de_DE']) {
      const res = expectError(await render(t.uuid, `locale=${bad}&code=1&username=x`), 400, 'SCHEMA_ERROR');
      expect(res.details).toMatchObject({ field: 'querystring.locale' });
    }
    expectError(await render('no-such-template', 'locale=en'), 404, 'NOT_FOUND');
  });

  it('escapes parameters in the HTML body, through the endpoint and the renderer', async () => {
    const t = await greeting();
    const evil = '<script>alert(1)</script>';
    const res = await render(t.uuid, `locale=en&code=${encodeURIComponent(evil)}&username=${encodeURIComponent('"Ann" & <b>')}`);
    const { body, subject } = res.json();
    expect(body).not.toContain('<script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).toContain('&#34;Ann&#34; &amp; &lt;b&gt;');
    // The subject is a header, not HTML: not escaped, and nodemailer encodes it.
    expect(subject).toBe(`Your code ${evil}`);

    const rendered = await m.core.renderer.render({
      projectId: m.project.project_id,
      templateId: t.name,
      subject: null,
      html: null,
      text: null,
      variables: { code: evil, username: 'x' },
      locale: 'en',
      recipient: { email: 'a@example.com', userId: null, displayName: null },
    });
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&lt;script&gt;');
    // The text part is derived from the HTML: the value reads as typed, and it is plain text.
    expect(rendered.text).toContain('Your code is');
    expect(rendered.text).toContain(evil);
    expect(rendered.text).not.toContain('<b>');
  });

  it('stops a runaway loop and a huge output with a clear error, and stays healthy', async () => {
    const loop = await createTemplate({ subject: 's', body: '{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}' });
    const started = Date.now();
    const stopped = expectError(await render(loop.uuid, ''), 400, 'RENDER_FAILED');
    expect(stopped.message).toMatch(/limit exceeded/);
    expect(Date.now() - started).toBeLessThan(5000);

    const huge = await createTemplate({ subject: 's', body: '{% for i in (1..2000) %}{{ big }}{% endfor %}' });
    const big = expectError(await render(huge.uuid, `big=${'x'.repeat(5000)}`), 400, 'RENDER_FAILED');
    expect(big.message).toMatch(/^body: memory alloc limit exceeded/);

    const doubling = await createTemplate({ subject: 's', body: '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}' });
    expect(expectError(await render(doubling.uuid, ''), 400, 'RENDER_FAILED').message).toMatch(/memory alloc limit exceeded/);

    await expect(
      m.core.renderer.render({
        projectId: m.project.project_id,
        templateId: loop.uuid,
        subject: null,
        html: null,
        text: null,
        variables: {},
        locale: null,
        recipient: { email: 'a@example.com', userId: null, displayName: null },
      }),
    ).rejects.toThrow(RenderError);
    expect((await m.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const t = await greeting();
    expect((await render(t.uuid, 'locale=en&code=1&username=ok')).statusCode).toBe(200);
  });

  it('renders by uuid or by name, follows edits at once, and inlines CSS when the template asks', async () => {
    const t = await createTemplate({
      name: 'styled',
      subject: 'Hi {{ name }}',
      body: '<style>p { color: red; }</style><p>Hi {{ name }}</p>',
      inlineCss: true,
    });
    const request = {
      projectId: m.project.project_id,
      subject: null,
      html: null,
      text: null,
      variables: { name: 'Ann' },
      locale: null,
      recipient: { email: 'a@example.com', userId: null, displayName: null },
    };
    const byName = await m.core.renderer.render({ ...request, templateId: 'styled' });
    expect(byName.subject).toBe('Hi Ann');
    expect(byName.html).toContain('<p style="color: red;">Hi Ann</p>');
    expect(byName.text).toBe('Hi Ann');
    expect(await m.core.renderer.render({ ...request, templateId: t.uuid })).toEqual(byName);
    await m.core.renderer.assertTemplateExists(m.project.project_id, 'styled');
    await expect(m.core.renderer.assertTemplateExists(m.project.project_id, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await m.request({ method: 'PATCH', url: `/api/v1/email/templates/${t.uuid}`, headers: auth, body: { body: '<p>Bye {{ name }}</p>', inlineCss: false } });
    expect((await m.core.renderer.render({ ...request, templateId: 'styled' })).html).toBe('<p>Bye Ann</p>');
    // A subject given with the send overrides the template's.
    expect((await m.core.renderer.render({ ...request, templateId: 'styled', subject: 'For {{ name }}' })).subject).toBe('For Ann');
    await expect(m.core.renderer.render({ ...request, templateId: 'styled', variables: {} })).resolves.toMatchObject({ subject: 'Hi' });
  });

  it('passes raw html through untouched without variables, and templates it (escaped) with variables', async () => {
    const base = { projectId: m.project.project_id, templateId: null, text: null, locale: null, recipient: { email: 'a@example.com', userId: null, displayName: null } };
    const raw = await m.core.renderer.render({ ...base, subject: 'Price {{ x }}', html: '<p>{{ x }} &amp; {% raw %}</p>', variables: {} });
    expect(raw).toEqual({ subject: 'Price {{ x }}', html: '<p>{{ x }} &amp; {% raw %}</p>', text: expect.stringContaining('{{ x }} &') });
    const templated = await m.core.renderer.render({ ...base, subject: 'Hi {{ name }}', html: '<p>Hi {{ name }}</p>', variables: { name: '<script>' } });
    expect(templated).toEqual({ subject: 'Hi <script>', html: '<p>Hi &lt;script&gt;</p>', text: 'Hi <script>' });
    await expect(m.core.renderer.render({ ...base, subject: 's', html: '{% if %}', variables: { a: 1 } })).rejects.toThrow(/html: /);
    // Own properties only: nothing reachable through the prototype.
    const proto = await m.core.renderer.render({ ...base, subject: 's', html: '[{{ o.constructor }}|{{ o.toString }}|{{ o.__proto__ }}|{{ o.a }}]', variables: { o: { a: 1 } } });
    expect(proto.html).toBe('[|||1]');
    await expect(m.core.renderer.render({ ...base, subject: null, html: '<p>x</p>', variables: {} })).rejects.toThrow('the message has no subject');
    await expect(m.core.renderer.render({ ...base, subject: 's', html: null, variables: {} })).rejects.toThrow('neither html nor text');
    await expect(m.core.renderer.render({ ...base, templateId: 'missing', subject: null, html: null, variables: {} })).rejects.toThrow('template missing was not found');
  });

  it('previews a template or raw html with sample variables (POST /api/v1/email/preview)', async () => {
    const t = await greeting();
    const preview = await post('/api/v1/email/preview', { templateId: t.uuid, locale: 'de', variables: { code: '42', username: '<Ann>' } });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toEqual({
      subject: 'Ihr Code 42',
      html: '<h1>Hallo, &lt;Ann&gt;</h1><p>Ihr Code lautet <b>42</b></p><footer>Bye</footer>',
      text: expect.stringContaining('HALLO, <ANN>'),
    });
    const raw = await post('/api/v1/email/preview', { subject: 'Hi {{ n }}', html: '<p>{{ n }}</p>', variables: { n: 'Bo' } });
    expect(raw.json()).toEqual({ subject: 'Hi Bo', html: '<p>Bo</p>', text: 'Bo' });
    expect(expectError(await post('/api/v1/email/preview', { templateId: t.uuid, variables: {} }), 400, 'MISSING_PARAMETERS').details).toEqual({
      missing: ['code', 'username'],
    });
    expectError(await post('/api/v1/email/preview', { templateId: 'nope' }), 404, 'NOT_FOUND');
    expectError(await post('/api/v1/email/preview', { subject: 'x' }), 400, 'SCHEMA_ERROR');
    expectError(await post('/api/v1/email/preview', { html: '<p>{{ a | nope }}</p>', subject: 's', variables: { a: 1 } }), 400, 'RENDER_FAILED');
  });
});
