import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { countOf, delivered, expectAccessible, launchBrowser, outboxEntry, sendThroughApi, signIn, startConsoleMailroom, textOf, visible, wait, type ConsoleFixture } from './support.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(engineKinds)('console templates and read-only keys (%s)', { timeout: 120_000 }, (engine) => {
  const accessible = engine === 'sqlite' ? expectAccessible : async () => {};
  let fx: ConsoleFixture;
  let page: Page;
  let templateId: string;
  beforeAll(async () => {
    fx = await startConsoleMailroom(engine);
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    const res = await fx.mailroom.request({
      method: 'POST',
      url: '/api/v1/email/templates',
      headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` },
      body: {
        name: 'Welcome',
        subject: '{{ text:subject }}',
        body: '<h1>{{ text:greeting }} {{ name }}</h1>',
        translations: { en: { subject: 'Welcome', greeting: 'Hello' }, fr: { subject: 'Bienvenue', greeting: 'Bonjour' } },
        parameters: ['name'],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    templateId = res.json().uuid;
  });
  afterAll(async () => {
    await page?.context().close();
    await fx?.close();
  });

  it('previews a template per locale, sends a test, and the test arrives in the dev inbox with its story', async () => {
    await signIn(page, fx.baseUrl, fx.mailroom.project.admin_key);
    await page.goto(`${fx.baseUrl}/templates`);
    await page.getByRole('link', { name: 'Welcome' }).click();
    const preview = page.frameLocator('#preview iframe');
    await expect.poll(textOf(preview.locator('h1')), wait).toBe('Hello Ann');
    await page.getByRole('form', { name: 'Preview settings' }).getByLabel('Locale').selectOption('fr');
    await expect.poll(textOf(preview.locator('h1')), wait).toBe('Bonjour Ann');
    await expect.poll(textOf(page.getByTestId('preview-subject')), wait).toBe('Bienvenue');
    await page.getByRole('form', { name: 'Preview settings' }).getByLabel('Parameters (JSON)').fill('{}');
    await expect.poll(textOf(page.locator('#preview')), wait).toContain('name');
    await accessible(page);

    const test = page.getByRole('form', { name: 'Send a test' });
    await test.getByLabel('To').fill('newcomer@example.com');
    await test.getByLabel('Locale').selectOption('fr');
    await test.getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('Test email sent');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // The message page follows the story live: queued, rendering, sending, sent.
    await expect.poll(textOf(page.locator('ol.timeline')), delivered).toContain('sent');
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('sent');
    await page.goto(`${fx.baseUrl}/inbox`);
    await page.getByRole('link', { name: 'Bienvenue' }).click();
    await expect.poll(textOf(page.frameLocator('iframe.mail').locator('h1')), wait).toBe('Bonjour Ann');
  });

  it('sends a test of a typed template (seed 004), and the test arrives in the dev inbox', async () => {
    const put = await fx.mailroom.request({
      method: 'PUT',
      url: '/api/email-templates',
      headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` },
      body: { templates: [{ languageTag: 'en', templateType: 'SignIn', details: { subject: 'Your code {{ code }}', content: '<h1>Code {{ code }}</h1>', contentType: 'text/html' } }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const typedId = (put.json() as { id: string }[])[0]!.id;
    await page.goto(`${fx.baseUrl}/templates/typed/${typedId}`);
    const test = page.getByRole('form', { name: 'Send a test' });
    await test.getByLabel('To').fill('typed@example.com');
    await test.getByLabel('Parameters (JSON)').fill('{"code": "424242"}');
    await test.getByRole('button', { name: 'Send test email' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('Test email sent to typed@example.com');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await expect.poll(textOf(page.locator('ol.timeline')), delivered).toContain('sent');
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('sent');
    await page.goto(`${fx.baseUrl}/inbox`);
    await page.getByRole('link', { name: 'Your code 424242' }).click();
    await expect.poll(textOf(page.frameLocator('iframe.mail').locator('h1')), wait).toBe('Code 424242');
  });

  it('shows a validation error at its line and keeps the template unchanged', async () => {
    await page.goto(`${fx.baseUrl}/templates/${templateId}`);
    await page.getByLabel(/^Body/).fill('<h1>{{ text:greeting }}</h1>\n<p>fine</p>\n{% if name %}never closed');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(page.locator('.field-error')), wait).toContain('Line 3');
    await accessible(page);
    const res = await fx.mailroom.request({ method: 'GET', url: `/api/v1/email/templates/${templateId}`, headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` } });
    expect(res.json().body).toBe('<h1>{{ text:greeting }} {{ name }}</h1>');
    await page.goto(`${fx.baseUrl}/templates/${templateId}`);
    await page.getByLabel('Subject', { exact: true }).fill('{{ text:subject }}!');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Saved.');
    const saved = await fx.mailroom.request({ method: 'GET', url: `/api/v1/email/templates/${templateId}`, headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` } });
    expect(saved.json().subject).toBe('{{ text:subject }}!');
  });

  it('creates a block', async () => {
    await page.goto(`${fx.baseUrl}/templates/blocks/new`);
    await page.getByLabel('Name').fill('Signature');
    await page.getByLabel(/^Content/).fill('<p>— the team</p>');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Block created.');
    const res = await fx.mailroom.request({ method: 'GET', url: '/api/v1/email/blocks', headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` } });
    expect(JSON.stringify(res.json())).toContain('Signature');
  });

  it('a scoped read-only key sees data but can change nothing', async () => {
    const id = await sendThroughApi(fx.mailroom, { to: 'ro@example.com', subject: 'Read only', scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    const { key } = await fx.mailroom.core.projects.createKey(fx.mailroom.project.project_id, { kind: 'scoped', permissions: ['emails:read', 'email.templates:read'] });
    const ro = await (await browser.newContext()).newPage();
    ro.setDefaultTimeout(10_000);
    try {
      await signIn(ro, fx.baseUrl, key);
      await ro.goto(`${fx.baseUrl}/outbox/${id}`);
      await visible(ro.locator('ol.timeline'));
      expect(await ro.getByRole('button', { name: 'Pause' }).count()).toBe(0);
      expect(await ro.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
      expect(await ro.getByRole('link', { name: 'Keys' }).count()).toBe(0);
      // Posting anyway, with a valid CSRF token from the page, is refused and changes nothing.
      const token = await ro.locator('meta[name="csrf-token"]').getAttribute('content');
      const res = await ro.request.post(`${fx.baseUrl}/outbox/${id}/cancel`, { form: { _csrf: token! }, maxRedirects: 0 });
      expect(res.status()).toBe(403);
      expect(await res.text()).toContain('emails:update');
      expect((await outboxEntry(fx.mailroom, id)).status).toBe('scheduled');
      await ro.goto(`${fx.baseUrl}/templates/${templateId}`);
      expect(await ro.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(await ro.getByRole('button', { name: 'Send test email' }).count()).toBe(0);
      const save = await ro.request.post(`${fx.baseUrl}/templates/${templateId}`, { form: { _csrf: token!, name: 'Hacked', subject: 'x', body: 'x' }, maxRedirects: 0 });
      expect(save.status()).toBe(403);
      const inbox = await ro.request.post(`${fx.baseUrl}/inbox/clear`, { form: { _csrf: token! }, maxRedirects: 0 });
      expect(inbox.status()).toBe(403);
      const t = await fx.mailroom.request({ method: 'GET', url: `/api/v1/email/templates/${templateId}`, headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` } });
      expect(t.json().name).toBe('Welcome');
      await expect.poll(countOf(ro.locator('nav[aria-label="Sections"] a')), wait).toBe(4);
    } finally {
      await ro.context().close();
    }
  });
});
