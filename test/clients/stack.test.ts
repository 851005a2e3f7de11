import { StackAdminApp, StackServerApp } from '@stackframe/js';
import { KnownError, KnownErrors } from '@stackframe/stack-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startListeningMailroom, type ListeningMailroom } from './listen.js';

/** What Stack's SDK makes of an error answer. */
const knownErrorOf = async (res: Response) => KnownError.fromJson((await res.json()) as Parameters<typeof KnownError.fromJson>[0]);

/** Stack Auth's own SDK, unmodified, pointed at Mailroom: server sends, the admin outbox, and its error mapping. */
describe.each(engineKinds)('@stackframe/js against Mailroom on %s', (engine) => {
  let sink: SmtpSink;
  let m: ListeningMailroom;
  let admin: StackAdminApp;
  let server: StackServerApp;
  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    sink = await startSmtpSink();
    m = await startListeningMailroom(engine, sink);
    const common = { projectId: m.project.project_id, baseUrl: m.baseUrl, tokenStore: 'memory' as const };
    server = new StackServerApp({ ...common, secretServerKey: m.project.secret_server_key });
    admin = new StackAdminApp({ ...common, secretServerKey: m.project.secret_server_key, superSecretAdminKey: m.project.admin_key });
  });
  afterAll(async () => {
    await m.close();
    await sink.close();
  });

  /** An email due in an hour, so it waits in the outbox while the test edits it. */
  async function scheduledEmail(subject = 'Later'): Promise<string> {
    const { ids } = await m.core.accept.accept(m.project.project_id, {
      source: 'send-email', to: [{ email: 'later@example.com' }], subject, content: { kind: 'body', html: '<p>later</p>' }, scheduledAt: Date.now() + hour,
    });
    return ids[0]!;
  }

  it('sendEmail reaches the SMTP server, and the admin outbox lists and reads it in Stack shape', async () => {
    const user = await m.request({ method: 'POST', url: '/api/v1/users', headers: m.serverHeaders, body: { primary_email: 'ann@example.com' } });
    const userId = (user.json() as { id: string }).id;
    await server.sendEmail({ userIds: [userId], subject: 'Hello from Stack', html: '<p>Hi Ann</p>' });
    await sink.waitFor(1);
    const mail = await parse(sink.received.find((r) => r.to.includes('ann@example.com'))!);
    expect(mail.subject).toBe('Hello from Stack');
    expect(mail.html).toContain('Hi Ann');

    const sent = await eventually(async () => {
      const page = await admin.listOutboxEmails({ status: 'sent' });
      return page.items.find((e) => e.to.type === 'user-primary-email' && e.to.userId === userId);
    });
    expect(sent).toMatchObject({ status: 'sent', simpleStatus: 'ok', hasRendered: true, hasDelivered: true, subject: 'Hello from Stack', canHaveDeliveryInfo: false });
    expect(sent.createdAt).toBeInstanceOf(Date);
    const one = await admin.getOutboxEmail(sent.id);
    expect(one).toMatchObject({ id: sent.id, status: 'sent', html: expect.stringContaining('Hi Ann') });

    // The seed page's fields are in the same item.
    const raw = (await m.request({ method: 'GET', url: `/api/v1/emails/outbox/${sent.id}`, headers: m.serverHeaders })).json();
    expect(raw).toMatchObject({
      id: sent.id, status: 'sent', simple_status: 'ok', subject: 'Hello from Stack', recipient: userId,
      body: expect.stringContaining('Hi Ann'), created_at: expect.stringMatching(/Z$/), updated_at: expect.stringMatching(/Z$/),
      to: { type: 'user-primary-email', user_id: userId }, created_at_millis: expect.any(Number), has_delivered: true,
    });
  });

  it('pauses, unpauses, reschedules and cancels through the admin SDK', async () => {
    const id = await scheduledEmail();
    const paused = await admin.pauseOutboxEmail(id);
    expect(paused).toMatchObject({ id, status: 'paused', isPaused: true, to: { type: 'custom-emails', emails: ['later@example.com'] } });
    const resumed = await admin.unpauseOutboxEmail(id);
    expect(resumed).toMatchObject({ id, status: 'scheduled', isPaused: false });
    const at = Date.now() + 2 * hour;
    const moved = await admin.updateOutboxEmail(id, { scheduledAtMillis: at });
    expect(moved.scheduledAt.getTime()).toBe(at);
    const cancelled = await admin.cancelOutboxEmail(id);
    expect(cancelled).toMatchObject({ id, status: 'skipped', simpleStatus: 'ok', skippedReason: 'cancelled' });
    const listed = await admin.listOutboxEmails({ status: 'skipped', limit: 10 });
    expect(listed.items.map((e) => e.id)).toContain(id);
  });

  it('maps errors to Stack known errors: not editable, schema error, unknown user, unknown id', async () => {
    const id = await scheduledEmail();
    await admin.cancelOutboxEmail(id);
    const notEditable = await admin.pauseOutboxEmail(id).catch((e: unknown) => e);
    expect(KnownErrors.EmailNotEditable.isInstance(notEditable)).toBe(true);

    const schema = await admin.updateOutboxEmail(await scheduledEmail(), { scheduledAtMillis: -5 }).catch((e: unknown) => e);
    expect(KnownErrors.SchemaError.isInstance(schema)).toBe(true);
    expect((schema as Error).message).toContain('scheduled_at_millis');

    const unknownUser = await server.sendEmail({ userIds: ['00000000-0000-4000-8000-000000000000'], subject: 'x', html: '<p>x</p>' }).catch((e: unknown) => e);
    expect(KnownErrors.UserIdDoesNotExist.isInstance(unknownUser)).toBe(true);

    const missing = await admin.getOutboxEmail('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Error);
    expect((missing as Error).message).toContain('404');
  });

  it('refuses a wrong key, a key of another project and a wrong admin key beside a valid server key', async () => {
    const common = { baseUrl: m.baseUrl, tokenStore: 'memory' as const };
    const wrongKey = new StackServerApp({ ...common, projectId: m.project.project_id, secretServerKey: 'mr_sk_wrong' });
    const e1 = await wrongKey.sendEmail({ allUsers: true, subject: 'x', html: '<p>x</p>' }).catch((e: unknown) => e);
    expect(KnownErrors.InvalidSecretServerKey.isInstance(e1)).toBe(true);

    const other = await m.core.projects.createProject({ name: 'other' });
    const wrongProject = new StackServerApp({ ...common, projectId: other.project_id, secretServerKey: m.project.secret_server_key });
    const e2 = await wrongProject.sendEmail({ allUsers: true, subject: 'x', html: '<p>x</p>' }).catch((e: unknown) => e);
    expect(KnownErrors.InvalidSecretServerKey.isInstance(e2)).toBe(true);

    // The SDK sends its admin key only on admin endpoints; the header is checked wherever it comes.
    const outbox = (headers: Record<string, string>) => fetch(`${m.baseUrl}/api/v1/emails/outbox?limit=1`, { headers: { 'x-stack-project-id': m.project.project_id, ...headers } });
    const wrongAdmin = await outbox({ 'x-hexclave-secret-server-key': m.project.secret_server_key, 'x-hexclave-super-secret-admin-key': 'mr_ak_wrong' });
    expect(wrongAdmin.status).toBe(401);
    expect(wrongAdmin.headers.get('x-hexclave-known-error')).toBe('INVALID_SUPER_SECRET_ADMIN_KEY');
    expect(KnownErrors.InvalidSuperSecretAdminKey.isInstance(await knownErrorOf(wrongAdmin))).toBe(true);
    const serverKeyAsAdmin = await outbox({ 'x-stack-super-secret-admin-key': m.project.secret_server_key });
    expect(serverKeyAsAdmin.headers.get('x-stack-known-error')).toBe('INVALID_SUPER_SECRET_ADMIN_KEY');
    expect((await outbox({ 'x-stack-super-secret-admin-key': m.project.admin_key })).status).toBe(200);
    expect((await outbox({ 'x-stack-secret-server-key': m.project.admin_key })).status).toBe(200);

    // An admin key is accepted where a server key is, and on its own.
    const adminAsServer = new StackServerApp({ ...common, projectId: m.project.project_id, secretServerKey: m.project.admin_key });
    await adminAsServer.sendEmail({ userIds: [], subject: 'nobody', html: '<p>x</p>' }).catch((e: unknown) => {
      expect(KnownErrors.SchemaError.isInstance(e) || KnownErrors.InvalidSecretServerKey.isInstance(e)).toBe(true);
      if (KnownErrors.InvalidSecretServerKey.isInstance(e)) throw e;
    });
  });

  it('answers errors as 200 with the real status when asked to override it, with both known-error headers', async () => {
    const res = await fetch(`${m.baseUrl}/api/v1/emails/outbox/nope`, {
      method: 'PATCH',
      headers: { ...m.serverHeaders, 'content-type': 'application/json', 'x-hexclave-override-error-status': 'true' },
      body: JSON.stringify({ is_paused: 'yes' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-stack-actual-status')).toBe('400');
    expect(res.headers.get('x-hexclave-actual-status')).toBe('400');
    expect(res.headers.get('x-stack-known-error')).toBe('SCHEMA_ERROR');
    expect(res.headers.get('x-hexclave-known-error')).toBe('SCHEMA_ERROR');
    const body = (await res.json()) as { code: string; error: string; details: { message: string } };
    expect(body.details.message).toContain('is_paused');
    const plain = await fetch(`${m.baseUrl}/api/v1/emails/outbox/nope`, { headers: m.serverHeaders });
    expect(plain.status).toBe(404);
  });
});
