import createHttpEmailConnector from '@logto/connector-http-email';
import { createApiClient } from '@logto/api/management';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startListeningMailroom, type ListeningMailroom } from './listen.js';

/** Logto's HTTP email connector and Management API client, unmodified, against Mailroom. */
describe.each(engineKinds)('@logto/connector-http-email against Mailroom on %s', (engine) => {
  let sink: SmtpSink;
  let m: ListeningMailroom;
  let connector: Awaited<ReturnType<typeof createHttpEmailConnector>>;
  let config: { endpoint: string; authorization: string };

  beforeAll(async () => {
    sink = await startSmtpSink();
    m = await startListeningMailroom(engine, sink);
    connector = await createHttpEmailConnector({ getConfig: async () => ({}) });
    config = { endpoint: `${m.baseUrl}/logto/email`, authorization: `Bearer ${m.project.secret_server_key}` };
    // The templates are made with Logto's own Management API client (seed 004).
    const logto = createApiClient({ baseUrl: m.baseUrl, getToken: async () => m.project.secret_server_key });
    const details = (subject: string, content: string) => ({ subject, content, contentType: 'text/html' as const, sendFrom: 'Acme', replyTo: 'help@acme.test' });
    const { response } = await logto.PUT('/api/email-templates', {
      body: {
        templates: [
          { languageTag: 'en', templateType: 'SignIn', details: details('Sign in to {{application.name}}', '<p>Hi {{user.name}}, your code is {{code}}. <a href="{{link}}">Sign in</a></p>') },
          { languageTag: 'de', templateType: 'SignIn', details: details('Anmelden bei {{application.name}}', '<p>Hallo {{user.name}}, dein Code: {{code}}</p>') },
          { languageTag: 'en', templateType: 'Generic', details: { subject: 'Your code {{code}}', content: 'Code: {{code}}', contentType: 'text/plain' } },
        ],
      },
    });
    expect(response.status).toBe(200);
  });
  afterAll(async () => {
    await m.close();
    await sink.close();
  });

  const mailTo = async (to: string) => parse(await eventually(async () => sink.received.find((r) => r.to.includes(to))));

  it('sends the typed template for the type and locale, with the payload as variables', async () => {
    const payload = { code: '123456', link: 'https://shop.example/in?x=1', locale: 'en', user: { name: 'Ann' }, application: { name: 'Shop' } };
    await connector.sendMessage({ to: 'ann@example.com', type: 'SignIn', payload, ip: '203.0.113.7' } as never, config);
    const mail = await mailTo('ann@example.com');
    expect(mail.subject).toBe('Sign in to Shop');
    expect(mail.html).toContain('Hi Ann, your code is 123456.');
    expect(mail.html).toContain('href="https://shop.example/in?x=1"');
    expect(mail.from?.value[0]).toMatchObject({ name: 'Acme', address: 'app@example.com' });
    expect(mail.replyTo?.text).toBe('help@acme.test');

    await connector.sendMessage({ to: 'bernd@example.com', type: 'SignIn', payload: { code: '42', uiLocales: 'de-DE en', user: { name: 'Bernd' }, application: { name: 'Laden' } } } as never, config);
    const german = await mailTo('bernd@example.com');
    expect(german.subject).toBe('Anmelden bei Laden');
    expect(german.html).toContain('Hallo Bernd, dein Code: 42');
  });

  it('falls back to Generic for a type without a template, then to a built-in text', async () => {
    await connector.sendMessage({ to: 'reg@example.com', type: 'Register', payload: { code: '777' } } as never, config);
    const generic = await mailTo('reg@example.com');
    expect(generic.subject).toBe('Your code 777');
    expect(generic.text?.trim()).toBe('Code: 777');

    const other = await m.core.projects.createProject({ name: 'bare', settings: { defaultSender: 'bare@example.com' } });
    const bare = { ...config, authorization: `Bearer ${other.secret_server_key}` };
    await connector.sendMessage({ to: 'builtin@example.com', type: 'ForgotPassword', payload: { code: '9090' } } as never, bare);
    const builtIn = await mailTo('builtin@example.com');
    expect(builtIn.subject).toBe('Your verification code: 9090');
    expect(builtIn.html).toContain('9090');
  });

  it('gives the connector a JSON error it shows: no usable template, wrong key, bad address', async () => {
    const other = await m.core.projects.createProject({ name: 'empty' });
    // The connector puts the answer's body in ConnectorError.data.message, which Logto shows.
    const failure = (config: { endpoint: string; authorization: string }, data: unknown) =>
      connector.sendMessage(data as never, config).then(
        () => expect.fail('the connector should have thrown'),
        (error: { code: string; data: { message: string } }) => ({ code: error.code, body: JSON.parse(error.data.message) as unknown }),
      );
    const noTemplate = await failure({ ...config, authorization: `Bearer ${other.secret_server_key}` }, { to: 'x@example.com', type: 'Generic', payload: {} });
    expect(noTemplate.code).toBe('general');
    expect(noTemplate.body).toMatchObject({ code: 'TEMPLATE_INVALID', message: expect.stringContaining('Generic') });

    const wrongKey = await failure({ ...config, authorization: 'Bearer mr_sk_wrong' }, { to: 'x@example.com', type: 'SignIn', payload: { code: '1' } });
    expect(wrongKey.body).toMatchObject({ code: 'INVALID_API_KEY', message: expect.any(String) });

    const badAddress = await failure(config, { to: 'not an address', type: 'SignIn', payload: { code: '1' } });
    expect(badAddress.body).toMatchObject({ code: 'SCHEMA_ERROR', message: expect.stringContaining('not an address') });
  });
});
