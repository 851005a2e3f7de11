import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openEngine } from '../../src/store/index.js';
import { migrateTo } from '../../src/store/migrate.js';
import { engineKinds, freshDatabaseUrl } from '../support/engines.js';
import { startTestMailroom } from '../support/mailroom.js';

const attachment = Buffer.from('shared attachment bytes').toString('base64');

/**
 * A database as the release before content-once left it (migration 0008), with
 * messages in the old per-row shape, upgraded by starting Mailroom on it: every
 * message still reads through both APIs with its content, and identical
 * attachments end up stored once.
 */
describe.each(engineKinds)('upgrade to content stored once on %s', (engine) => {
  it('keeps every message readable through the APIs, attachments stored once', async () => {
    const url = freshDatabaseUrl(engine);
    const old = await openEngine(url);
    const projectId = randomUUID();
    const now = Date.now();
    const rows = [
      { id: 'm-html', subject: 'Plain', html: '<p>one</p>', text_body: 'one', attachments: JSON.stringify([{ filename: 'a.txt', content: attachment, contentType: 'text/plain' }]) },
      { id: 'm-html-2', subject: 'Plain too', html: '<p>two</p>', text_body: null, attachments: JSON.stringify([{ filename: 'b.txt', content: attachment }]) },
      { id: 'm-sent', subject: null, html: null, text_body: null, attachments: null, template_id: 'welcome', template_variables: JSON.stringify({ name: 'Ann' }), rendered_subject: 'Hi Ann', rendered_html: '<p>Hi Ann</p>', rendered_text: 'Hi Ann', status: 'sent', attempts: 1 },
    ];
    try {
      await migrateTo(old, '0008-drop-redundant-indexes');
      const db = old.db as any;
      await db.insertInto('projects').values({ id: projectId, name: 'old', settings: '{}', signing_secret: 's', created_at: now, updated_at: now }).execute();
      for (const [i, r] of rows.entries()) {
        await db
          .insertInto('outbox_messages')
          .values({
            status: 'queued',
            attempts: 0,
            ...r,
            project_id: projectId,
            source: 'mail',
            priority: 0,
            transactional: 1,
            is_paused: 0,
            recipient_email: `r${i}@example.com`,
            from_address: '"Old Sender" <old@example.com>',
            reply_to: 'reply@example.com',
            cc: i === 0 ? JSON.stringify(['cc@example.com']) : null,
            headers: JSON.stringify({ 'X-Old': String(i) }),
            tags: JSON.stringify({ kind: 'old' }),
            message_id_header: `<${r.id}@old>`,
            run_at: now,
            created_at: now + i,
            updated_at: now + i,
          })
          .execute();
        await db.insertInto('outbox_transitions').values({ message_id: r.id, status: 'queued', reason: null, at: now }).execute();
      }
    } finally {
      await old.close();
    }

    const m = await startTestMailroom(engine, { env: { DATABASE_URL: url } });
    try {
      const { key } = await m.core.projects.createKey(projectId, { kind: 'secret' });
      const mail = (id: string) => m.request({ method: 'GET', url: `/mail/emails/${id}`, headers: { authorization: `Bearer ${key}` } });
      const outbox = (id: string) =>
        m.request({ method: 'GET', url: `/api/v1/emails/outbox/${id}`, headers: { 'x-stack-secret-server-key': key, 'x-stack-project-id': projectId } });

      const first = await mail('m-html');
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({
        from: '"Old Sender" <old@example.com>',
        to: 'r0@example.com',
        cc: ['cc@example.com'],
        replyTo: 'reply@example.com',
        subject: 'Plain',
        html: '<p>one</p>',
        text: 'one',
        headers: { 'X-Old': '0' },
        tags: { kind: 'old' },
        attachments: [{ filename: 'a.txt', contentType: 'text/plain', size: 23 }],
        messageId: '<m-html@old>',
        statusHistory: [{ status: 'queued' }],
      });
      expect((await mail('m-html-2')).json()).toMatchObject({ subject: 'Plain too', html: '<p>two</p>', attachments: [{ filename: 'b.txt', size: 23 }] });
      expect((await mail('m-sent')).json()).toMatchObject({ status: 'sent', subject: 'Hi Ann', html: '<p>Hi Ann</p>', text: 'Hi Ann', templateId: 'welcome', templateVariables: { name: 'Ann' } });
      for (const id of ['m-html', 'm-html-2', 'm-sent']) {
        const res = await outbox(id);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({ id });
      }
      // Accepted after the upgrade: the first history entry comes from the row (no transition row), once.
      const fresh = await m.request({ method: 'POST', url: '/mail/send', headers: { authorization: `Bearer ${key}` }, body: { from: 'app@example.com', to: 'new@example.com', subject: 'New', html: '<p>new</p>' } });
      expect(fresh.statusCode, fresh.body).toBe(200);
      const freshRead = (await mail(fresh.json().id)).json();
      expect(freshRead.statusHistory).toEqual([{ status: 'queued', reason: null, at: freshRead.createdAt }]);
      expect((await outbox(fresh.json().id)).json().status_history).toMatchObject([{ status: 'queued' }]);
      const read = await outbox('m-sent');
      expect(read.json()).toMatchObject({ subject: 'Hi Ann' });

      // The same bytes under two messages are stored once.
      const blobs = await m.core.engine.db.selectFrom('attachment_blobs').select('hash').where('project_id', '=', projectId).execute();
      expect(blobs).toHaveLength(1);
      // The worker gets each message with its content and attachments.
      const message = await m.core.store.outbox.getMessage(projectId, 'm-html');
      expect(message?.attachments).toEqual([{ filename: 'a.txt', content: attachment, contentType: 'text/plain' }]);
    } finally {
      await m.close();
    }
  });
});
