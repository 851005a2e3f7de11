import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

const controls = { VT: '\u000b', FF: '\u000c', NUL: '\u0000', ESC: '\u001b', NEL: '\u0085', LS: '\u2028', CR: '\r' };

describe.each(engineKinds)('header-bound fields on %s', (engine) => {
  let m: TestMailroom;
  let bearer: Record<string, string>;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
    bearer = { authorization: `Bearer ${m.project.admin_key}` };
  });
  afterAll(() => m.close());

  it('refuses control characters in a subject and in custom headers, naming the field', async () => {
    for (const [name, c] of Object.entries(controls)) {
      const subject = await m.request({ method: 'POST', url: '/mail/send', headers: bearer, body: { from: 'a@example.com', to: 'b@example.com', subject: `hi${c}there`, html: 'h' } });
      expect(subject.statusCode, name).toBe(400);
      expect(subject.json().message, name).toMatch(/^subject: /);
      const header = await m.request({ method: 'POST', url: '/mail/send', headers: bearer, body: { from: 'a@example.com', to: 'b@example.com', subject: 's', html: 'h', headers: { 'X-Note': `a${c}b` } } });
      expect(header.statusCode, name).toBe(400);
      expect(header.json().message, name).toMatch(/^headers\.X-Note: /);
    }
    // A tab is ordinary whitespace in a header.
    const tab = await m.request({ method: 'POST', url: '/mail/send', headers: bearer, body: { from: 'a@example.com', to: 'b@example.com', subject: 'a\tb', html: 'h' } });
    expect(tab.statusCode).toBe(200);
  });

  it('requires settings.defaultSender to be one mailbox without control characters', async () => {
    const admin = { 'x-stack-admin-access-token': m.project.admin_key, 'x-stack-project-id': m.project.project_id };
    for (const defaultSender of ['app@example.com\r\nBcc: victim@example.com', 'App\u000b <app@example.com>', 'not a mailbox', 'a@example.com, b@example.com']) {
      const res = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin, body: { settings: { defaultSender } } });
      expect(res.statusCode, defaultSender).toBe(400);
      expect(res.json(), defaultSender).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'settings.defaultSender' } });
    }
    const ok = await m.request({ method: 'PATCH', url: '/api/v1/projects/current', headers: admin, body: { settings: { defaultSender: 'App <app@example.com>' } } });
    expect(ok.statusCode).toBe(200);
  });

  it("refuses control characters in typed templates' sendFrom and replyTo", async () => {
    for (const [field, value] of [['sendFrom', 'noreply@example.com\r\nX-Evil: 1'], ['replyTo', 'help\u000b@example.com'], ['sendFrom', 'Name\u000c <a@example.com>']]) {
      const res = await m.request({
        method: 'PUT',
        url: '/api/email-templates',
        headers: bearer,
        body: { templates: [{ languageTag: 'en', templateType: 'Generic', details: { subject: 's', content: '<p>c</p>', [field!]: value } }] },
      });
      expect(res.statusCode, value).toBe(400);
      expect(res.json().data, value).toEqual({ field: `templates.0.details.${field}` });
    }
  });

  it('turns control characters from template variables into spaces in a rendered subject', async () => {
    const res = await m.request({
      method: 'POST',
      url: '/api/v1/email/preview',
      headers: bearer,
      body: { subject: 'Hi {{ name }}', html: '<p>x</p>', variables: { name: 'a\u0000b\u000bc\u2028d' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().subject).toBe('Hi a b c d');
  });
});

describe("a typed template's sender name", () => {
  it('goes with the default sender address, so From always holds a usable mailbox', async () => {
    const { createVerificationMailer } = await import('../../src/core/verification/send-code.js');
    const sent: Array<{ from?: string | null; replyTo?: string | null }> = [];
    const mailerFor = (sendFrom: string | null, replyTo: string | null) =>
      createVerificationMailer({
        accept: (async (_projectId: string, request: { from?: string | null; replyTo?: string | null }) => {
          sent.push(request);
          return { ids: [] };
        }) as never,
        renderRegister: async () => ({ template: {} as never, subject: 's', html: '<p>c</p>', text: 'c', sendFrom, replyTo }),
        onTemplateError: () => {},
        defaultSenderOf: async () => 'App <app@example.com>',
      });
    const input = { projectId: 'p', user: { id: 'u', locale: null } as never, email: 'u@example.com', code: '123456', expiresInMinutes: 10 };
    await mailerFor('Acme Support', 'help')(input);
    await mailerFor('Acme <noreply@acme.example>', 'Help <help@acme.example>')(input);
    expect(sent).toMatchObject([
      { from: '"Acme Support" <app@example.com>', replyTo: null },
      { from: '"Acme" <noreply@acme.example>', replyTo: '"Help" <help@acme.example>' },
    ]);
  });
});
