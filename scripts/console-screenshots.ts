/**
 * Screenshots of the console's main pages for docs/console.md, on a throwaway
 * SQLite database with a little mail in it. Run: npx vite-node scripts/console-screenshots.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { createMailroom } from '../src/compose.js';
import { createLogger } from '../src/logger.js';

const config = loadConfig({
  DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-shots-')), 'shots.db')}`,
  MAILROOM_WORKERS: '1',
  MAILROOM_POLL_MS: '50',
  LOG_LEVEL: 'silent',
});
const mailroom = await createMailroom(config, { logger: createLogger('silent') });
const base = await mailroom.app.listen({ port: 0, host: '127.0.0.1' });
const project = await mailroom.core.projects.createProject({ name: 'Acme app', settings: { defaultSender: 'hello@acme.test' } });
const projectId = project.project_id;
const template = await mailroom.core.templating.templates.create(projectId, {
  name: 'Welcome',
  subject: '{{ text:subject }}, {{ name }}',
  body: '<div style="font-family:sans-serif;max-width:520px;margin:auto"><h1 style="color:#3b5bdb">{{ text:greeting }} {{ name }}!</h1><p>{{ text:intro }}</p><p><a href="https://acme.test/start" style="background:#3b5bdb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">{{ text:cta }}</a></p></div>',
  translations: {
    en: { subject: 'Welcome aboard', greeting: 'Hello', intro: 'Thanks for joining Acme. Your account is ready.', cta: 'Get started' },
    fr: { subject: 'Bienvenue', greeting: 'Bonjour', intro: 'Merci de rejoindre Acme. Votre compte est prêt.', cta: 'Commencer' },
  },
  parameters: ['name'],
});
const people = ['ann', 'bob', 'chloe', 'dmitri', 'eva', 'farid', 'grace', 'hiro'];
const ids: string[] = [];
for (const [i, p] of people.entries()) {
  const { ids: sent } = await mailroom.core.accept.accept(projectId, {
    source: i % 2 ? 'mail' : 'batch',
    to: [{ email: `${p}@example.com` }],
    content: { kind: 'template', templateId: template.uuid, variables: { name: p[0]!.toUpperCase() + p.slice(1) } },
    locale: i % 3 ? 'en' : 'fr',
  });
  ids.push(...sent);
}
await mailroom.core.accept.accept(projectId, {
  source: 'mail',
  to: [{ email: 'later@example.com' }],
  subject: 'Your weekly digest',
  content: { kind: 'body', html: '<p>Digest</p>' },
  scheduledAt: Date.now() + 3 * 3600_000,
});
await mailroom.core.suppressions.add(projectId, { email: 'bounced@example.com', reason: 'bounced', detail: '550 5.1.1 user unknown' });
await new Promise((resolve) => setTimeout(resolve, 3000));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 760 } })).newPage();
await page.goto(`${base}/sign-in`);
await page.screenshot({ path: 'docs/console/sign-in.png' });
await page.getByLabel('Project key').fill(project.admin_key);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(/overview/);
const shot = async (path: string, file: string) => {
  await page.goto(`${base}${path}`);
  await page.waitForTimeout(1200);
  await page.screenshot({ path: `docs/console/${file}.png` });
};
await shot('/overview', 'overview');
await shot('/outbox', 'outbox');
await shot(`/outbox/${ids[0]}`, 'message');
await shot('/inbox', 'inbox');
await shot(`/templates/${template.uuid}`, 'template');
await browser.close();
await mailroom.close();
