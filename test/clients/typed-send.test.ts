import { StackServerApp } from '@stackframe/js';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startListeningMailroom, type ListeningMailroom } from './listen.js';

/**
 * A send naming a typed template (seed 004) through each send family, in the form its users write:
 * the mail family's `templateType` + `locale`, Resend's `template: {id: 'SignIn:de', variables}`
 * and Stack's `templateId`, through the unmodified Resend and Stack SDKs.
 */
describe.each(engineKinds)('typed templates from every send family on %s', (engine) => {
  let sink: SmtpSink;
  let m: ListeningMailroom;
  let resend: Resend;
  let stack: StackServerApp;

  beforeAll(async () => {
    sink = await startSmtpSink();
    m = await startListeningMailroom(engine, sink);
    resend = new Resend(m.project.secret_server_key, { baseUrl: m.baseUrl });
    stack = new StackServerApp({ projectId: m.project.project_id, baseUrl: m.baseUrl, tokenStore: 'memory', secretServerKey: m.project.secret_server_key });
    const details = (subject: string, content: string) => ({ subject, content, contentType: 'text/html', sendFrom: 'Acme', replyTo: 'help@acme.test' });
    const put = await m.request({
      method: 'PUT',
      url: '/api/email-templates',
      headers: m.serverHeaders,
      body: {
        templates: [
          { languageTag: 'en', templateType: 'SignIn', details: details('Sign in to {{application.name}}', '<p>Hi {{user.name}}, your code is {{code}}.</p>') },
          { languageTag: 'de', templateType: 'SignIn', details: details('Anmelden bei {{application.name}}', '<p>Hallo {{user.name}}, dein Code: {{code}}</p>') },
        ],
      },
    });
    expect(put.statusCode).toBe(200);
  });
  afterAll(async () => {
    await m.close();
    await sink.close();
  });

  const mailTo = async (to: string) => parse(await eventually(async () => sink.received.find((r) => r.to.includes(to))));

  it('mail family: templateType and locale choose the template; templateVariables fill it; the request sender wins', async () => {
    const res = await m.request({
      method: 'POST',
      url: '/mail/send',
      headers: m.serverHeaders,
      body: { from: 'Shop <shop@example.com>', to: 'mail-de@example.com', templateType: 'SignIn', locale: 'de', templateVariables: { code: '4711', user: { name: 'Jo' }, application: { name: 'Shop' } } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ subject: 'Anmelden bei Shop', from: '"Shop" <shop@example.com>' });
    const mail = await mailTo('mail-de@example.com');
    expect(mail.subject).toBe('Anmelden bei Shop');
    expect(mail.html).toContain('Hallo Jo, dein Code: 4711');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Shop', address: 'shop@example.com' });
    expect(mail.replyTo?.text).toBe('help@acme.test');

    const noFrom = await m.request({
      method: 'POST', url: '/mail/send', headers: m.serverHeaders,
      body: { from: 'app@example.com', to: 'mail-en@example.com', templateType: 'SignIn', locale: 'en', templateVariables: { code: '1', user: { name: 'Al' }, application: { name: 'Shop' } } },
    });
    expect(noFrom.statusCode).toBe(200);
    expect((await mailTo('mail-en@example.com')).subject).toBe('Sign in to Shop');
  });

  it('mail family refuses an unknown type, a typed template without anything to send, and mixed content, naming the field', async () => {
    const post = (body: object) => m.request({ method: 'POST', url: '/mail/send', headers: m.serverHeaders, body: { from: 'app@example.com', to: 'x@example.com', ...body } });
    const unknown = await post({ templateType: 'Welcome' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'SCHEMA_ERROR', message: expect.stringContaining('templateType') });
    // No ForgotPassword or Generic template, and no code or link for the built-in one.
    const none = await post({ templateType: 'ForgotPassword', templateVariables: {} });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'TEMPLATE_INVALID', message: expect.stringContaining('templateType') });
    const mixed = await post({ templateType: 'SignIn', html: '<p>x</p>' });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json()).toMatchObject({ code: 'SCHEMA_ERROR', message: expect.stringContaining('templateType') });
    const lone = await post({ subject: 's', html: 'h', locale: 'de' });
    expect(lone.json()).toMatchObject({ code: 'SCHEMA_ERROR', message: expect.stringContaining('locale') });
  });

  it('resend SDK: template {id: "SignIn:de", variables} with no from or subject; an unknown template is a 404 naming template.id', async () => {
    const { data, error } = await resend.emails.send({
      to: ['resend-typed@example.com'],
      template: { id: 'SignIn:de', variables: { code: 9876 } },
    });
    expect(error).toBeNull();
    const mail = await mailTo('resend-typed@example.com');
    expect(mail.subject).toBe('Anmelden bei');
    expect(mail.html).toContain('dein Code: 9876');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Acme' });
    expect((await resend.emails.get(data!.id)).data).toMatchObject({ subject: 'Anmelden bei', to: ['resend-typed@example.com'] });

    const unknown = await resend.emails.send({ from: 'app@example.com', to: 'x@example.com', template: { id: 'NoSuchTemplate' } });
    expect(unknown.error).toMatchObject({ statusCode: 404, name: 'not_found', message: expect.stringContaining('template.id') });
    const batch = await resend.batch.send([{ from: 'app@example.com', to: 'x@example.com', template: { id: 'ForgotPassword' } }]);
    expect(batch.error).toMatchObject({ statusCode: 422, message: expect.stringContaining('[0].template.id') });
  });

  it('Stack SDK: sendEmail with templateId "SignIn:en" and variables reaches the user; an unknown one is refused naming template_id', async () => {
    const user = await m.request({ method: 'POST', url: '/api/v1/users', headers: m.serverHeaders, body: { primary_email: 'stack-typed@example.com' } });
    const userId = (user.json() as { id: string }).id;
    await stack.sendEmail({ userIds: [userId], templateId: 'SignIn:en', variables: { code: '2468', user: { name: 'Sam' }, application: { name: 'Shop' } } });
    const mail = await mailTo('stack-typed@example.com');
    expect(mail.subject).toBe('Sign in to Shop');
    expect(mail.html).toContain('Hi Sam, your code is 2468.');

    const res = await m.request({ method: 'POST', url: '/api/v1/emails/send-email', headers: m.serverHeaders, body: { user_ids: [userId], template_id: 'Signin' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', details: { field: 'template_id' } });
    await expect(stack.sendEmail({ userIds: [userId], templateId: 'Signin', variables: {} })).rejects.toThrow(/template_id/);
  });
});
