/**
 * Renders per second of a realistic template (two blocks, ten parameters, two
 * locales) through the service's renderer, beside raw LiquidJS on the same
 * template source in the same run. Run: npx vite-node bench/render.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from 'html-to-text';
import { Liquid } from 'liquidjs';
import { loadConfig } from '../src/config.js';
import { createCore } from '../src/compose.js';
import { createLogger } from '../src/logger.js';
import { expandTemplate } from '../src/core/templates/expand.js';

const config = loadConfig({ DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'mailroom-bench-')), 'bench.db')}`, LOG_LEVEL: 'silent' });
const core = await createCore(config, { logger: createLogger('silent') });
const { project_id: projectId } = await core.projects.createProject({ name: 'bench', settings: { defaultLocale: 'en' } });

const header = await core.templating.blocks.create(projectId, {
  name: 'header',
  content: '<table width="100%"><tr><td class="logo"><img src="{{ logo_url }}" alt="{{ company }}"></td><td>{{ text:tagline }}</td></tr></table>',
});
const footer = await core.templating.blocks.create(projectId, {
  name: 'footer',
  content: '<footer><p>{{ text:footer }} {{ company }}, {{ address }}</p><a href="{{ unsubscribe_url }}">{{ text:unsubscribe }}</a></footer>',
});
const params = ['username', 'code', 'company', 'address', 'logo_url', 'unsubscribe_url', 'expires_minutes', 'items', 'total', 'support_email'];
const template = await core.templating.templates.create(projectId, {
  name: 'order-confirmation',
  subject: '{{ text:subject }} #{{ code }} — {{ company }}',
  body: `<html><head><style>p { margin: 0 }</style></head><body>{{ block:${header.uuid} }}
<h1>{{ text:greeting }}, {{ username | capitalize }}!</h1>
<p>{{ text:intro }} <strong>{{ code }}</strong>. {{ text:expires }} {{ expires_minutes }} min.</p>
<table>{% for item in items %}<tr><td>{{ item.name }}</td><td>{{ item.qty }}</td><td>{{ item.price | times: item.qty | round: 2 }}</td></tr>{% endfor %}</table>
<p>{{ text:total }}: {{ total | round: 2 }}</p>
{% if support_email %}<p>{{ text:help }} <a href="mailto:{{ support_email }}">{{ support_email }}</a></p>{% endif %}
{{ block:${footer.uuid} }}</body></html>`,
  translations: {
    en: { tagline: 'Your order', subject: 'Order', greeting: 'Hello', intro: 'Your order number is', expires: 'The link expires in', total: 'Total', help: 'Questions? Write to', footer: 'Sent by', unsubscribe: 'Unsubscribe' },
    de: { tagline: 'Ihre Bestellung', subject: 'Bestellung', greeting: 'Hallo', intro: 'Ihre Bestellnummer ist', expires: 'Der Link läuft ab in', total: 'Summe', help: 'Fragen? Schreiben Sie an', footer: 'Gesendet von', unsubscribe: 'Abbestellen' },
  },
  parameters: params,
});

const variables = {
  username: 'ann <admin>',
  code: 'A-12345',
  company: 'Acme & Co',
  address: '1 Main St',
  logo_url: 'https://example.com/logo.png',
  unsubscribe_url: 'https://example.com/u?x=1&y=2',
  expires_minutes: 30,
  items: [
    { name: 'Widget', qty: 2, price: 9.99 },
    { name: 'Gadget', qty: 1, price: 24.5 },
    { name: 'Doohickey', qty: 5, price: 1.25 },
  ],
  total: 50.73,
  support_email: 'help@example.com',
};
const locales = ['en', 'de'] as const;

// Raw LiquidJS on the same source: the template expanded per locale, parsed once, rendered synchronously.
const raw = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true });
const rawText = new Liquid({ ownPropertyOnly: true });
const blocks = new Map([[header.uuid, header.content], [footer.uuid, footer.content]]);
const rawParsed = locales.map((locale) => {
  const source = expandTemplate(template, blocks, [locale]);
  return { subject: rawText.parse(source.subject), body: raw.parse(source.body) };
});
const toText = compile({ wordwrap: 78 });

const renderRequest = (i: number) => ({
  projectId,
  templateId: template.uuid,
  subject: null,
  html: null,
  text: null,
  variables,
  locale: locales[i % 2]!,
  recipient: { email: 'a@example.com', userId: null, displayName: null },
});

type Case = { name: string; run: (i: number) => unknown };
const cases: Record<string, Case> = {
  raw: { name: 'raw LiquidJS (subject + body)', run: (i) => { const p = rawParsed[i % 2]!; return [rawText.renderSync(p.subject, variables), raw.renderSync(p.body, variables)]; } },
  service: { name: 'service render (subject + body, the render endpoint path)', run: (i) => core.templating.templates.render(projectId, template.uuid, { locale: locales[i % 2]!, variables }) },
  rawText: { name: 'raw LiquidJS + html-to-text', run: (i) => { const p = rawParsed[i % 2]!; return [rawText.renderSync(p.subject, variables), toText(raw.renderSync(p.body, variables) as string)]; } },
  renderer: { name: 'EmailRenderer.render (subject + html + text part)', run: (i) => core.renderer.render(renderRequest(i)) },
};

async function measure(c: Case, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let k = 0; k < 200; k++) await c.run(n++);
  }
  return (n / (performance.now() - start)) * 1000;
}

// Same output from both paths, or the comparison means nothing.
const check = await core.templating.templates.render(projectId, template.uuid, { locale: 'de', variables });
if (check.body !== raw.renderSync(rawParsed[1]!.body, variables)) throw new Error('service and raw renders differ');

for (const c of Object.values(cases)) await measure(c, 300); // warm up
const best: Record<string, number> = {};
for (let round = 0; round < 5; round++) {
  for (const [key, c] of Object.entries(cases)) best[key] = Math.max(best[key] ?? 0, await measure(c, 400));
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
console.log(`template: 2 blocks, ${params.length} parameters, ${locales.length} locales; best of 5 rounds of 400 ms`);
for (const [key, c] of Object.entries(cases)) console.log(`${fmt(best[key]!)} renders/s  ${c.name}`);
console.log(`ratio service/raw (subject + body):            ${(best.service! / best.raw!).toFixed(2)}`);
console.log(`ratio renderer/raw+html-to-text (with text):   ${(best.renderer! / best.rawText!).toFixed(2)}`);
console.log(`ratio renderer/raw LiquidJS (with text part):  ${(best.renderer! / best.raw!).toFixed(2)}`);
await core.close();
