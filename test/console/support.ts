import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { EngineKind } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own browser downloads are not reachable here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // Playwright gives every launch a fresh temporary profile (user data dir).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsoleFixture {
  mailroom: TestMailroom;
  baseUrl: string;
  close(): Promise<void>;
}

/** A listening service (port 0) with one delivery worker on the capture transport. */
export async function startConsoleMailroom(engine: EngineKind, env: Record<string, string> = {}): Promise<ConsoleFixture> {
  const mailroom = await startTestMailroom(engine, {
    env: { MAILROOM_WORKERS: '1', MAILROOM_POLL_MS: '50', MAILROOM_RETRY_BASE_MS: '50', ...env },
  });
  const address = await mailroom.app.listen({ port: 0, host: '127.0.0.1' });
  return { mailroom, baseUrl: address, close: () => mailroom.close() };
}

export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel('Project key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** No serious or critical accessibility violations on the page as it stands. */
export async function expectAccessible(page: Page): Promise<void> {
  // Legacy mode runs axe in the page itself; the default opens a second page to merge frame results,
  // which doubled each check (8-10 s -> 4 s measured on the loaded machine). The only frames it then
  // skips are sandboxed (opaque-origin) mail and preview frames: the email's content, not the console.
  // Only violations are asserted, so axe need not gather the passes.
  const result = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Sends through the mail API, as an app would; returns the outbox id. */
export async function sendThroughApi(m: TestMailroom, body: Record<string, unknown>): Promise<string> {
  const res = await m.request({
    method: 'POST',
    url: '/mail/send',
    headers: { authorization: `Bearer ${m.project.secret_server_key}` },
    body: { from: 'app@example.com', html: '<h1>Hello</h1><p>From the API</p>', ...body },
  });
  if (res.statusCode !== 200) throw new Error(`send failed: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

export async function outboxEntry(m: TestMailroom, id: string): Promise<{ status: string; [k: string]: unknown }> {
  const res = await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: m.serverHeaders });
  if (res.statusCode !== 200) throw new Error(`GET outbox/${id}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** All text of the matched elements, for `expect.poll` (vitest has no locator matchers). */
export const textOf = (locator: Locator) => () => locator.allTextContents().then((t) => t.join(' ').replace(/\s+/g, ' ').trim());
export const countOf = (locator: Locator) => () => locator.count();
export const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible', timeout: 10_000 });
export const wait = { timeout: 10_000, interval: 50 };
/** For what needs the delivery worker too (render, hand-off, record): on a loaded 2-core machine that takes longer than a page. */
export const delivered = { timeout: 30_000, interval: 100 };
