import { afterEach, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { send, settled, startDeliveringMailroom } from './helpers.js';

describe.each(engineKinds)('suppressions, capture inbox and one-click unsubscribe on %s', (engine) => {
  let m: TestMailroom | undefined;
  afterEach(async () => {
    await m?.close();
    m = undefined;
  });

  it('manages suppressions: add, list with paging, get, remove; bad input, other projects and permissions', async () => {
    m = await startDeliveringMailroom(engine, { MAILROOM_WORKERS: '0' });
    const h = m.serverHeaders;
    for (const email of ['b@example.com', 'A@Example.com', 'c@example.com']) {
      const added = await m.request({ method: 'POST', url: '/api/v1/emails/suppressions', headers: h, body: { email, detail: 'asked by phone' } });
      expect(added.statusCode).toBe(201);
    }
    const first = await m.request({ method: 'GET', url: '/api/v1/emails/suppressions?limit=2', headers: h });
    expect(first.json()).toMatchObject({ items: [{ email: 'a@example.com', reason: 'manual', detail: 'asked by phone' }, { email: 'b@example.com' }], pagination: { next_cursor: 'b@example.com' } });
    const second = await m.request({ method: 'GET', url: '/api/v1/emails/suppressions?limit=2&cursor=b@example.com', headers: h });
    expect(second.json()).toMatchObject({ items: [{ email: 'c@example.com' }], pagination: { next_cursor: null } });
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions/A@EXAMPLE.COM', headers: h })).json()).toMatchObject({ email: 'a@example.com' });

    const bad = await m.request({ method: 'POST', url: '/api/v1/emails/suppressions', headers: h, body: { email: 'not an address' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'SCHEMA_ERROR', details: { field: 'email' } });
    expect(bad.headers['x-stack-known-error']).toBe('SCHEMA_ERROR');
    const badReason = await m.request({ method: 'POST', url: '/api/v1/emails/suppressions', headers: h, body: { email: 'x@example.com', reason: 'because' } });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json().error).toContain('reason');

    const other = await m.core.projects.createProject({ name: 'other' });
    const otherHeaders = { 'x-stack-secret-server-key': other.secret_server_key, 'x-stack-project-id': other.project_id };
    expect((await m.request({ method: 'DELETE', url: '/api/v1/emails/suppressions/a@example.com', headers: otherHeaders })).statusCode).toBe(404);
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: otherHeaders })).json().items).toEqual([]);

    const readOnly = await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['email.suppressions:read'] });
    const scoped = { authorization: `Bearer ${readOnly.key}` };
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: scoped })).statusCode).toBe(200);
    const denied = await m.request({ method: 'DELETE', url: '/api/v1/emails/suppressions/a@example.com', headers: scoped });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('INSUFFICIENT_PERMISSION');
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions' })).statusCode).toBe(401);

    expect((await m.request({ method: 'DELETE', url: '/api/v1/emails/suppressions/a@example.com', headers: h })).statusCode).toBe(204);
    expect((await m.request({ method: 'DELETE', url: '/api/v1/emails/suppressions/a@example.com', headers: h })).statusCode).toBe(404);
  });

  it('suppresses an internationalised address in the one canonical form sends use (punycode, lower case)', async () => {
    m = await startDeliveringMailroom(engine);
    const h = m.serverHeaders;
    const added = await m.request({ method: 'POST', url: '/api/v1/emails/suppressions', headers: h, body: { email: 'X@Bücher.de' } });
    expect(added.statusCode).toBe(201);
    expect(added.json().email).toBe('x@xn--bcher-kva.de');
    // The same address in its ASCII spelling is the same entry.
    await m.request({ method: 'POST', url: '/api/v1/emails/suppressions', headers: h, body: { email: 'x@xn--bcher-kva.de', detail: 'again' } });
    const list = (await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: h })).json().items;
    expect(list).toEqual([expect.objectContaining({ email: 'x@xn--bcher-kva.de', reason: 'manual', detail: 'again' })]);
    expect((await m.request({ method: 'GET', url: `/api/v1/emails/suppressions/${encodeURIComponent('x@bücher.de')}`, headers: h })).statusCode).toBe(200);

    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    const sent = await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: ['x@bücher.de', 'X@xn--bcher-kva.de'], subject: 's', html: 'h' } });
    expect(sent.statusCode).toBe(200);
    for (const id of sent.json().ids as string[]) expect(await settled(m, id, ['sent', 'skipped'])).toMatchObject({ status: 'skipped', skipReason: 'suppressed' });
    const inbox = await m.request({ method: 'GET', url: '/api/v1/dev/inbox', headers: h });
    expect(inbox.json().items).toEqual([]);

    expect((await m.request({ method: 'DELETE', url: `/api/v1/emails/suppressions/${encodeURIComponent('X@BÜCHER.DE')}`, headers: h })).statusCode).toBe(204);
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: h })).json().items).toEqual([]);
  });

  it('delivers into the capture inbox without SMTP_URL; the dev inbox lists and shows raw MIME per project', async () => {
    m = await startDeliveringMailroom(engine);
    const [id] = await send(m, { recipient: { email: 'dev@example.com' }, subject: 'Captured!' }, { recipient: { email: 'other@example.com' } });
    await settled(m, id!, ['sent']);
    const list = await m.request({ method: 'GET', url: '/api/v1/dev/inbox?to=dev@example.com', headers: m.serverHeaders });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; outbox_id: string; to: string[]; subject: string }[];
    expect(items).toEqual([expect.objectContaining({ outbox_id: id, to: ['dev@example.com'], subject: 'Captured!' })]);
    const one = await m.request({ method: 'GET', url: `/api/v1/dev/inbox/${items[0]!.id}`, headers: m.serverHeaders });
    const parsed = await simpleParser(one.json().raw as string);
    expect(parsed.subject).toBe('Captured!');
    expect(parsed.text).toContain('Hello there');

    const other = await m.core.projects.createProject({ name: 'other' });
    const otherHeaders = { 'x-stack-secret-server-key': other.secret_server_key, 'x-stack-project-id': other.project_id };
    expect((await m.request({ method: 'GET', url: `/api/v1/dev/inbox/${items[0]!.id}`, headers: otherHeaders })).statusCode).toBe(404);
    expect((await m.request({ method: 'GET', url: '/api/v1/dev/inbox?cursor=%%%', headers: m.serverHeaders })).statusCode).toBe(400);
    await expect.poll(async () => (await m!.request({ method: 'GET', url: '/api/v1/dev/inbox?limit=1', headers: m!.serverHeaders })).json().pagination.next_cursor).not.toBeNull();
  });

  it('filters the dev inbox by an address with _ or % in it, matching those characters literally', async () => {
    m = await startDeliveringMailroom(engine);
    const ids = await send(m, { recipient: { email: 'a_b@example.com' }, subject: 'underscore' }, { recipient: { email: 'axb@example.com' }, subject: 'x' }, { recipient: { email: '100%@example.com' }, subject: 'percent' });
    for (const id of ids) await settled(m, id, ['sent']);
    const subjects = async (to: string) =>
      ((await m!.request({ method: 'GET', url: `/api/v1/dev/inbox?to=${encodeURIComponent(to)}`, headers: m!.serverHeaders })).json().items as { subject: string }[]).map((i) => i.subject);
    expect(await subjects('a_b@example.com')).toEqual(['underscore']);
    expect(await subjects('100%@example.com')).toEqual(['percent']);
    expect(await subjects('a%b@example.com')).toEqual([]);
  });

  it('one-click unsubscribe: the List-Unsubscribe link suppresses the address for that project only', async () => {
    m = await startDeliveringMailroom(engine);
    const [id] = await send(m, { recipient: { email: 'Fan@Example.com' }, transactional: false });
    await settled(m, id!, ['sent']);
    const inbox = (await m.request({ method: 'GET', url: '/api/v1/dev/inbox', headers: m.serverHeaders })).json().items[0];
    const raw = (await m.request({ method: 'GET', url: `/api/v1/dev/inbox/${inbox.id}`, headers: m.serverHeaders })).json().raw as string;
    const list = (await simpleParser(raw)).headers.get('list') as unknown as { unsubscribe: { url: string } };
    const link = new URL(list.unsubscribe.url);
    const path = `${link.pathname}${link.search}`;

    // A GET (a person or a link scanner) only shows a confirmation form.
    const page = await m.request({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect((await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: m.serverHeaders })).json().items).toEqual([]);

    const forged = path.replace(/sig=[^&]+/, 'sig=AAAA');
    const refused = await m.app.inject({ method: 'POST', url: forged, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('INVALID_UNSUBSCRIBE_LINK');

    const done = await m.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(done.statusCode).toBe(200);
    const suppressions = (await m.request({ method: 'GET', url: '/api/v1/emails/suppressions', headers: m.serverHeaders })).json().items;
    expect(suppressions).toEqual([expect.objectContaining({ email: 'fan@example.com', reason: 'unsubscribed' })]);

    const [later] = await send(m, { recipient: { email: 'fan@example.com' }, transactional: false });
    expect(await settled(m, later!, ['skipped'])).toMatchObject({ skipReason: 'suppressed' });
    // The same link cannot touch another project's list.
    const other = await m.core.projects.createProject({ name: 'other' });
    const moved = await m.app.inject({ method: 'POST', url: path.replace(m.project.project_id, other.project_id), payload: '' });
    expect(moved.statusCode).toBe(403);
  });
});
