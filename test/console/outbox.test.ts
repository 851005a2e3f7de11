import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually } from '../support/smtp-sink.js';
import { delivered, wait, countOf, expectAccessible, textOf, visible, launchBrowser, outboxEntry, sendThroughApi, signIn, startConsoleMailroom, type ConsoleFixture } from './support.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(engineKinds)('console outbox and dev inbox (%s)', { timeout: 120_000 }, (engine) => {
  // Pages are the same on both databases: check accessibility once (axe is slow on a busy machine).
  const accessible = engine === 'sqlite' ? expectAccessible : async () => {};
  let fx: ConsoleFixture;
  let page: Page;
  beforeAll(async () => {
    fx = await startConsoleMailroom(engine);
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await page?.context().close();
    await fx?.close();
  });

  it('refuses a wrong key and signs in with the admin key, keeping the key out of the URL and the cookie', async () => {
    await page.goto(`${fx.baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('Project key').fill('mr_sk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(textOf(page.getByRole('alert')), wait).toContain('not valid');
    await accessible(page);
    await signIn(page, fx.baseUrl, fx.mailroom.project.admin_key);
    expect(new URL(page.url()).pathname).toBe('/overview');
    await visible(page.getByText('Capture mode').first());
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'mailroom_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.some((c) => c.value.includes(fx.mailroom.project.admin_key))).toBe(false);
    await accessible(page);
  });

  it('shows a message sent through the API live in the outbox and the dev inbox, then its story', async () => {
    await page.goto(`${fx.baseUrl}/outbox`);
    await expect.poll(countOf(page.locator('body[data-live="open"]')), wait).toBe(1);
    const id = await sendThroughApi(fx.mailroom, { to: 'ann@example.com', subject: 'Live from the API' });
    // No reload: the row arrives over the event stream.
    await expect.poll(textOf(page.locator(`tr[data-id="${id}"]`)), wait).toContain('Live from the API');
    await expect.poll(countOf(page.locator(`tr[data-id="${id}"] [data-status="sent"]`)), delivered).toBe(1);
    await accessible(page);

    await page.goto(`${fx.baseUrl}/inbox`);
    await expect.poll(countOf(page.locator('body[data-live="open"]')), wait).toBe(1);
    const second = await sendThroughApi(fx.mailroom, { to: 'bob@example.com', subject: 'Second live one' });
    await visible(page.getByRole('link', { name: 'Second live one' }));
    await visible(page.getByRole('link', { name: 'Live from the API' }));
    await accessible(page);

    await page.goto(`${fx.baseUrl}/outbox/${second}`);
    await expect.poll(textOf(page.getByRole('heading', { level: 1 })), wait).toBe('Second live one');
    const history = page.locator('ol.timeline');
    await expect.poll(textOf(history), wait).toContain('queued');
    await expect.poll(textOf(history), delivered).toContain('sent');
    await expect.poll(textOf(page.locator('table')), wait).toContain('250 captured as');
    const frame = page.frameLocator('iframe.mail');
    await expect.poll(textOf(frame.locator('h1')), wait).toBe('Hello');
    expect(await page.locator('iframe.mail').getAttribute('sandbox')).toBe('');
    await accessible(page);
    await page.getByRole('link', { name: 'Headers' }).click();
    await expect.poll(textOf(page.locator('main')), wait).toContain('Subject');
    await page.getByRole('link', { name: 'Raw MIME' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download .eml' }).click();
    expect((await download).suggestedFilename()).toBe(`${second}.eml`);
  });

  it('filters the outbox by recipient, status and source, and pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) await sendThroughApi(fx.mailroom, { to: `pager${i}@example.com`, subject: `Pager ${i}` });
    await page.goto(`${fx.baseUrl}/outbox`);
    await page.getByLabel('Recipient').fill('pager1');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(countOf(page.locator('tbody tr')), wait).toBe(1);
    await expect.poll(textOf(page.locator('tbody tr')), wait).toContain('pager1@example.com');
    await page.goto(`${fx.baseUrl}/outbox?status=paused`);
    await expect.poll(textOf(page.locator('tbody')), wait).toContain('No messages match');
    await page.goto(`${fx.baseUrl}/outbox?source=mail&recipient=pager`);
    await expect.poll(countOf(page.locator('tbody tr')), wait).toBe(3);
    await page.goto(`${fx.baseUrl}/outbox?status=nonsense`);
    await expect.poll(textOf(page.getByRole('alert')), wait).toContain('status');
  });

  it('pages to older messages and back to newer ones with the links under the list', async () => {
    // 55 messages created in one request (often in the same millisecond: the id breaks the tie), held for later.
    const to = Array.from({ length: 55 }, (_, i) => `page-${String(i).padStart(2, '0')}@example.com`);
    const res = await fx.mailroom.request({
      method: 'POST',
      url: '/mail/broadcast',
      headers: { authorization: `Bearer ${fx.mailroom.project.secret_server_key}` },
      body: { from: 'news@example.com', to, subject: 'Paged', text: 'x', scheduledAt: new Date(Date.now() + 3600_000).toISOString() },
    });
    expect(res.statusCode, res.body).toBe(200);
    const rows = page.locator('tbody tr[data-id]');
    const ids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    await page.goto(`${fx.baseUrl}/outbox?recipient=page-`);
    await expect.poll(countOf(rows), wait).toBe(50);
    const first = await ids();
    await page.getByRole('link', { name: 'Older messages →' }).click();
    await expect.poll(countOf(rows), wait).toBe(5);
    const second = await ids();
    expect(new Set([...first, ...second]).size).toBe(55);
    expect(await page.getByText('End of the list').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('recipient')).toBe('page-');
    await page.getByRole('link', { name: '← Newer messages' }).click();
    await expect.poll(countOf(page.getByText('Updates live')), wait).toBe(1);
    expect(await ids()).toEqual(first);
    expect(await page.getByRole('link', { name: '← Newer messages' }).count()).toBe(0);
  });

  it('pauses, resumes, reschedules, cancels and resends through the same use-cases as the API', async () => {
    const later = new Date(Date.now() + 3600_000).toISOString();
    const id = await sendThroughApi(fx.mailroom, { to: 'later@example.com', subject: 'For later', scheduledAt: later });
    await page.goto(`${fx.baseUrl}/outbox/${id}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Paused.');
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Resumed.');
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('scheduled');
    // A fresh page: the live update of the resume may otherwise redraw the form between fill and click.
    await page.goto(`${fx.baseUrl}/outbox/${id}`);
    await page.getByLabel('Send at (UTC)').fill('2099-01-01T10:00');
    await page.getByRole('button', { name: 'Reschedule' }).click();
    await expect.poll(textOf(page.getByRole('alert')), wait).toContain('year'); // more than a year ahead: refused, as the API does
    expect((await outboxEntry(fx.mailroom, id)).scheduled_at).toBe(later);
    await page.goto(`${fx.baseUrl}/outbox/${id}`);
    const inADay = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
    await page.getByLabel('Send at (UTC)').fill(inADay);
    await page.getByRole('button', { name: 'Reschedule' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Rescheduled.');
    expect((await outboxEntry(fx.mailroom, id)).scheduled_at).toBe(`${inADay}:00.000Z`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Cancelled.');
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('skipped');
    await expect.poll(countOf(page.getByRole('button', { name: 'Pause' })), wait).toBe(0);
    await page.getByRole('button', { name: 'Resend as new message' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('Sent again');
    const newId = new URL(page.url()).pathname.split('/').pop()!;
    expect(newId).not.toBe(id);
    await eventually(async () => ((await outboxEntry(fx.mailroom, newId)).status === 'sent' ? true : undefined));
  });

  it('deletes one captured message and clears the dev inbox', async () => {
    await sendThroughApi(fx.mailroom, { to: 'search-me@example.com', subject: 'Findable' });
    await page.goto(`${fx.baseUrl}/inbox`);
    await visible(page.getByRole('link', { name: 'Findable' }));
    await page.getByRole('searchbox', { name: 'Search' }).fill('search-me');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(countOf(page.locator('tbody tr')), wait).toBe(1);
    await page.getByRole('link', { name: 'Findable' }).click();
    await expect.poll(textOf(page.frameLocator('iframe.mail').locator('h1')), wait).toBe('Hello');
    await accessible(page);
    await page.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toBe('Message deleted.');
    const inbox = async () => (await fx.mailroom.request({ method: 'GET', url: '/api/v1/dev/inbox?limit=500', headers: fx.mailroom.serverHeaders })).json().items as { subject: string }[];
    expect((await inbox()).some((m) => m.subject === 'Findable')).toBe(false);
    expect((await inbox()).length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Delete all' }).click();
    await expect.poll(textOf(page.getByRole('status')), wait).toContain('Deleted');
    expect(await inbox()).toEqual([]);
  });

  it('refuses a change without the CSRF token, and signs out', async () => {
    const id = await sendThroughApi(fx.mailroom, { to: 'csrf@example.com', subject: 'CSRF', scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
    const res = await page.request.post(`${fx.baseUrl}/outbox/${id}/cancel`, { form: { nothing: '1' }, maxRedirects: 0 });
    expect(res.status()).toBe(403);
    expect((await outboxEntry(fx.mailroom, id)).status).toBe('scheduled');
    await page.goto(`${fx.baseUrl}/overview`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.goto(`${fx.baseUrl}/outbox`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
