import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailroom, type Mailroom } from '../../src/compose.js';
import type { Clock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { launchBrowser, outboxEntry, sendThroughApi, signIn, startConsoleMailroom, textOf, wait, type ConsoleFixture } from './support.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Signs in through the form with app.inject, as a browser would; answers the cookie header to send after. */
async function injectSignIn(m: Mailroom, key: string): Promise<{ status: number; cookie: string }> {
  const form = await m.app.inject({ method: 'GET', url: '/sign-in' });
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const csrf = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const res = await m.app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: csrf, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, key }).toString(),
  });
  return { status: res.statusCode, cookie: [csrf, ...res.cookies.map((c) => `${c.name}=${c.value}`)].join('; ') };
}

describe.each(engineKinds)('console sessions in the database (%s)', { timeout: 120_000 }, (engine) => {
  describe('two app instances on one database, as behind a load balancer', () => {
    let a: ConsoleFixture;
    let b: Mailroom;
    let bUrl: string;
    beforeAll(async () => {
      a = await startConsoleMailroom(engine);
      // A second process's worth of Mailroom on the same database: no workers, its own memory.
      b = await createMailroom(a.mailroom.config, { logger: createLogger('silent') });
      bUrl = await b.app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('a session opened on one instance is honoured by the other, changes made there, and signing out there ends it on both', async () => {
      const page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(10_000);
      try {
        await signIn(page, a.baseUrl, a.mailroom.project.admin_key);
        // Cookies do not tell ports apart: the browser presents A's session to B, as to any process behind one host name.
        const id = await sendThroughApi(a.mailroom, { to: 'lb@example.com', subject: 'Behind a balancer', scheduledAt: new Date(Date.now() + 3600_000).toISOString() });
        await page.goto(`${bUrl}/outbox/${id}`);
        expect(new URL(page.url()).pathname).toBe(`/outbox/${id}`);
        await expect.poll(textOf(page.getByRole('heading', { level: 1 })), wait).toBe('Behind a balancer');
        // A form rendered by B, posted to A: the CSRF token and cookie are good on every instance.
        const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
        const paused = await page.request.post(`${a.baseUrl}/outbox/${id}/pause`, { form: { _csrf: token! }, maxRedirects: 0 });
        expect(paused.status()).toBe(303);
        expect((await outboxEntry(a.mailroom, id)).status).toBe('paused');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await page.goto(`${a.baseUrl}/outbox`);
        expect(new URL(page.url()).pathname).toBe('/sign-in');
      } finally {
        await page.context().close();
      }
    });
  });

  describe('expiry and pruning', () => {
    let m: TestMailroom;
    let now = Date.parse('2026-03-01T10:00:00Z');
    const clock: Clock = { now: () => now };
    const hour = 3600_000;
    const sessionCount = async () => Number((await m.core.engine.db.selectFrom('console_sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const outboxPage = (cookie: string) => m.app.inject({ method: 'GET', url: '/outbox', headers: { cookie } });
    beforeAll(async () => {
      m = await startTestMailroom(engine, { clock });
    });
    afterAll(async () => {
      await m?.close();
    });

    it('ends a session after 12 idle hours, keeps one in use alive, and prunes expired rows at the next sign-in', async () => {
      const idle = await injectSignIn(m, m.project.admin_key);
      const used = await injectSignIn(m, m.project.secret_server_key);
      expect([idle.status, used.status]).toEqual([303, 303]);
      expect((await outboxPage(idle.cookie)).statusCode).toBe(200);
      expect(await sessionCount()).toBe(2);
      // Only the token's hash is stored.
      const stored = await m.core.engine.db.selectFrom('console_sessions').select('token_hash').execute();
      const token = /mailroom_session=([^;]+)/.exec(idle.cookie)![1]!;
      expect(stored.map((r) => r.token_hash)).not.toContain(token);

      now += 8 * hour;
      expect((await outboxPage(used.cookie)).statusCode).toBe(200); // in use: its idle time restarts
      now += 5 * hour; // 13 h after the first sign-in, 5 h after the last use of the other
      const expired = await outboxPage(idle.cookie);
      expect(expired.statusCode).toBe(303);
      expect(expired.headers.location).toBe('/sign-in');
      expect((await outboxPage(used.cookie)).statusCode).toBe(200);

      // A session expired and never presented again stays until a sign-in prunes it.
      const forgotten = await injectSignIn(m, m.project.admin_key);
      now += 13 * hour;
      expect(await sessionCount()).toBe(2); // `used` and `forgotten`, both expired now; `idle` was removed when presented
      const fresh = await injectSignIn(m, m.project.admin_key);
      expect(await sessionCount()).toBe(1);
      expect((await outboxPage(fresh.cookie)).statusCode).toBe(200);
      expect((await outboxPage(forgotten.cookie)).statusCode).toBe(303);
    });

    it('ends the sessions of a revoked key at once', async () => {
      const { key, apiKey } = await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['emails:read'] });
      const session = await injectSignIn(m, key);
      expect((await outboxPage(session.cookie)).statusCode).toBe(200);
      await m.core.projects.revokeKey(m.project.project_id, apiKey.id);
      expect((await outboxPage(session.cookie)).statusCode).toBe(303);
    });
  });
});
