import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually } from '../support/smtp-sink.js';
import { expectAccessible, launchBrowser, sendThroughApi, signIn, startConsoleMailroom, textOf, wait, type ConsoleFixture } from './support.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(engineKinds)('console suppressions, webhooks, keys and settings (%s)', { timeout: 120_000 }, (engine) => {
  const accessible = engine === 'sqlite' ? expectAccessible : async () => {};
  let fx: ConsoleFixture;
  let page: Page;
  let receiver: Server;
  const received: IncomingHttpHeaders[] = [];
  const api = (method: 'GET' | 'POST', url: string) => fx.mailroom.request({ method, url, headers: fx.mailroom.serverHeaders });
  const adminApi = (url: string) =>
    fx.mailroom.request({ method: 'GET', url, headers: { 'x-stack-admin-access-token': fx.mailroom.project.admin_key, 'x-stack-project-id': fx.mailroom.project.project_id } });

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push(request.headers);
      request.resume();
      request.on('end', () => response.writeHead(200).end('ok'));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    fx = await startConsoleMailroom(engine, { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback', MAILROOM_WEBHOOK_POLL_MS: '50' });
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, fx.baseUrl, fx.mailroom.project.admin_key);
  });
  afterAll(async () => {
    await page?.context().close();
    await fx?.close();
    receiver?.close();
  });

  it('adds, finds and removes a suppression', async () => {
    await page.goto(`${fx.baseUrl}/suppressions`);
    const add = page.getByRole('form', { name: 'Suppress an address' });
    await add.getByLabel('Suppress address').fill('Blocked@Example.com');
    await add.getByLabel('Note').fill('asked by phone');
    await add.getByRole('button', { name: 'Add' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('is suppressed');
    expect((await api('GET', '/api/v1/emails/suppressions')).json().items).toEqual([expect.objectContaining({ email: 'blocked@example.com', reason: 'manual' })]);
    await accessible(page);
    await page.getByRole('searchbox', { name: 'Address' }).fill('blocked@example.com');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Remove blocked@example.com' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('may receive mail again');
    expect((await api('GET', '/api/v1/emails/suppressions')).json().items).toEqual([]);
  });

  it('adds a webhook endpoint, shows its deliveries on the endpoint and the message page, and redelivers', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    await page.goto(`${fx.baseUrl}/webhooks`);
    await page.getByLabel('URL').fill(url);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(textOf(page.getByTestId('webhook-secret')), wait).toMatch(/^whsec_/);
    expect((await api('GET', '/api/v1/webhooks')).json().items ?? (await api('GET', '/api/v1/webhooks')).json()).toEqual(expect.arrayContaining([expect.objectContaining({ url })]));
    const id = await sendThroughApi(fx.mailroom, { to: 'hooked@example.com', subject: 'Hooked' });
    await eventually(async () => (received.length >= 2 ? true : undefined)); // email.queued and email.sent
    await page.goto(`${fx.baseUrl}/outbox/${id}`);
    await expect.poll(textOf(page.locator('section[aria-labelledby="hooks-h"]')), wait).toContain('email.sent');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('link', { name: url }).click();
    await expect.poll(textOf(page.locator('tbody')), wait).toContain('succeeded');
    await accessible(page);
    const before = received.length;
    await page.getByRole('button', { name: 'Redeliver' }).first().click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Delivery queued again.');
    await eventually(async () => (received.length > before ? true : undefined));
    expect(received.filter((h) => h['webhook-id'] === received[received.length - 1]!['webhook-id']).length).toBe(2);
  });

  it('creates a scoped key that works against the API, then revokes it; settings save through the project service', async () => {
    await page.goto(`${fx.baseUrl}/keys`);
    await page.getByLabel('Name').fill('reporting');
    await page.getByLabel('Permissions').selectOption(['emails:read']);
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-key').textContent())!;
    expect(key).toMatch(/^mr_rk_/);
    await accessible(page);
    const withKey = (k: string) => fx.mailroom.request({ method: 'GET', url: '/mail/emails', headers: { authorization: `Bearer ${k}` } });
    expect((await withKey(key)).statusCode).toBe(200);
    await page.getByRole('button', { name: 'Revoke reporting' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Key revoked.');
    expect((await withKey(key)).statusCode).toBe(401);

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Default locale').fill('fr');
    await page.getByLabel(/^Rate limit/).fill('25');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Settings saved.');
    await accessible(page);
    const settings = (await adminApi('/api/v1/projects/current')).json().settings;
    expect(settings).toMatchObject({ defaultLocale: 'fr', rateLimitPerSecond: 25, defaultSender: 'app@example.com' });
  });

  it('a secret key sees settings read-only and no keys page', async () => {
    const other = await (await browser.newContext()).newPage();
    try {
      await signIn(other, fx.baseUrl, fx.mailroom.project.secret_server_key);
      await other.goto(`${fx.baseUrl}/settings`);
      expect(await other.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
      expect(await other.getByRole('link', { name: 'Keys' }).count()).toBe(0);
      const res = await other.goto(`${fx.baseUrl}/keys`);
      expect(res!.status()).toBe(403);
    } finally {
      await other.context().close();
    }
  });
});
