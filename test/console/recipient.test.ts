import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually } from '../support/smtp-sink.js';
import { expectAccessible, launchBrowser, startConsoleMailroom, textOf, wait, type ConsoleFixture } from './support.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(engineKinds)('recipient pages (%s)', { timeout: 120_000 }, (engine) => {
  let fx: ConsoleFixture;
  beforeAll(async () => {
    fx = await startConsoleMailroom(engine);
  });
  afterAll(async () => {
    await fx?.close();
  });

  /** The List-Unsubscribe link of a bulk message, as the recipient's mail client has it. */
  async function unsubscribeLink(to: string): Promise<string> {
    const m = fx.mailroom;
    const [id] = await m.core.enqueue(m.project.project_id, [{ source: 'mail', recipient: { email: to }, subject: 'News', html: '<p>News</p>', transactional: false }]);
    const captured = await eventually(async () => {
      const items = (await m.request({ method: 'GET', url: '/api/v1/dev/inbox', headers: m.serverHeaders })).json().items as { id: string; outbox_id: string }[];
      return items.find((i) => i.outbox_id === id);
    });
    const raw = (await m.request({ method: 'GET', url: `/api/v1/dev/inbox/${captured.id}`, headers: m.serverHeaders })).json().raw as string;
    const list = (await simpleParser(raw)).headers.get('list') as unknown as { unsubscribe: { url: string } };
    return list.unsubscribe.url.replace(new URL(list.unsubscribe.url).origin, fx.baseUrl);
  }

  it('confirms, unsubscribes and says so in the reader’s language; a bad link gets a page, never JSON', async () => {
    const link = await unsubscribeLink('reader@example.com');
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(link);
      await expect.poll(textOf(page.getByRole('heading', { level: 1 })), wait).toBe('Se désabonner');
      expect(await page.locator('html').getAttribute('lang')).toBe('fr');
      if (engine === 'sqlite') await expectAccessible(page);
      // Nothing happened yet: a GET (or a link scanner) never unsubscribes.
      const before = (await fx.mailroom.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: fx.mailroom.serverHeaders })).json().items;
      expect(before).toEqual([]);
      await page.getByRole('button', { name: 'Se désabonner' }).click();
      await expect.poll(textOf(page.getByRole('status')), wait).toContain('reader@example.com');
      await expect.poll(textOf(page.getByRole('heading', { level: 1 })), wait).toBe('Vous êtes désabonné');
      if (engine === 'sqlite') await expectAccessible(page);
      const after = (await fx.mailroom.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: fx.mailroom.serverHeaders })).json().items;
      expect(after).toEqual([expect.objectContaining({ email: 'reader@example.com', reason: 'unsubscribed' })]);

      const forged = await page.goto(link.replace(/sig=[^&]+/, 'sig=forged'));
      expect(forged!.status()).toBe(403);
      expect(forged!.headers()['content-type']).toContain('text/html');
      await expect.poll(textOf(page.getByRole('alert')), wait).toContain('modifié');
      const truncated = await page.goto(link.replace(/&sig=[^&]+/, ''));
      expect(truncated!.status()).toBe(400);
      await expect.poll(textOf(page.getByRole('heading', { level: 1 })), wait).toBe('Ce lien ne fonctionne pas');
      if (engine === 'sqlite') await expectAccessible(page);
    } finally {
      await context.close();
    }
  });
});
