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

/**
 * A database as migration 0013 left it: the batch id and the Message-ID on every message.
 * After the upgrade (0014: both kept once per send) old messages read as before, the batch
 * filter still finds them, and new messages get a Message-ID made from their id.
 */
describe.each(engineKinds)('upgrade to per-send fields on the content on %s', (engine) => {
  it('keeps batch ids and Message-IDs of old messages, and makes new ones from the id', async () => {
    const url = freshDatabaseUrl(engine);
    const old = await openEngine(url);
    const projectId = randomUUID();
    const batchId = randomUUID();
    const now = Date.now();
    try {
      await migrateTo(old, '0013-console-indexes');
      const db = old.db as any;
      await db.insertInto('projects').values({ id: projectId, name: 'old', settings: '{}', signing_secret: 's', created_at: now, updated_at: now }).execute();
      await db.insertInto('outbox_contents').values({ id: 'c-broadcast', project_id: projectId, from_address: 'news@example.com', subject: 'News', html: '<p>news</p>', created_at: now }).execute();
      await db.insertInto('outbox_contents').values({ id: 'c-single', project_id: projectId, from_address: 'app@example.com', subject: 'Single', text_body: 'hi', created_at: now }).execute();
      const row = (id: string, contentId: string, i: number, batch: string | null) => ({
        id, project_id: projectId, content_id: contentId, source: batch ? 'broadcast' : 'smtp', batch_id: batch, status: 'queued', accepted_status: 'queued',
        priority: 0, transactional: 0, is_paused: 0, attempts: 0, recipient_email: `r${i}@example.com`, message_id_header: `<${id}@old.example>`,
        run_at: now, created_at: now + i, updated_at: now + i,
      });
      await db.insertInto('outbox_messages').values([row('m-b1', 'c-broadcast', 0, batchId), row('m-b2', 'c-broadcast', 1, batchId), row('m-single', 'c-single', 2, null)]).execute();
    } finally {
      await old.close();
    }

    const m = await startTestMailroom(engine, { env: { DATABASE_URL: url } });
    try {
      const { key } = await m.core.projects.createKey(projectId, { kind: 'secret' });
      const auth = { authorization: `Bearer ${key}` };
      const mail = async (id: string) => (await m.request({ method: 'GET', url: `/mail/emails/${id}`, headers: auth })).json();
      expect(await mail('m-b1')).toMatchObject({ batchId, messageId: '<m-b1@old.example>', subject: 'News', to: 'r0@example.com' });
      expect(await mail('m-b2')).toMatchObject({ batchId, messageId: '<m-b2@old.example>' });
      expect(await mail('m-single')).toMatchObject({ batchId: null, messageId: '<m-single@old.example>', subject: 'Single' });
      const outbox = await m.request({ method: 'GET', url: '/api/v1/emails/outbox/m-b2', headers: { 'x-stack-secret-server-key': key, 'x-stack-project-id': projectId } });
      expect(outbox.statusCode, outbox.body).toBe(200);
      // The worker sends the stored Message-ID.
      expect((await m.core.store.outbox.getMessage(projectId, 'm-b1'))?.messageIdHeader).toBe('<m-b1@old.example>');
      // The narrowed recipient index (0015) still finds an address, and a prefix.
      const byAddress = (await m.request({ method: 'GET', url: '/mail/emails?to=r1@example.com', headers: auth })).json();
      expect(byAddress.emails.map((e: { id: string }) => e.id)).toEqual(['m-b2']);
      expect((await m.core.outboxBrowser.list(projectId, { recipient: 'r' }, 10)).items.map((s: { id: string }) => s.id)).toEqual(['m-single', 'm-b2', 'm-b1']);
      const inBatch = await m.core.outboxBrowser.list(projectId, { batchId }, 10);
      expect(inBatch.items.map((s: { id: string }) => s.id)).toEqual(['m-b2', 'm-b1']);

      // Accepted after the upgrade: a broadcast's batch id and each message's own Message-ID from its id.
      const sent = await m.request({ method: 'POST', url: '/mail/broadcast', headers: auth, body: { from: 'app@example.com', to: ['a@example.com', 'b@example.com'], subject: 'New', html: '<p>new</p>' } });
      expect(sent.statusCode, sent.body).toBe(200);
      const { batchId: newBatch, ids } = sent.json();
      for (const id of ids) {
        const read = await mail(id);
        expect(read).toMatchObject({ id, batchId: newBatch, messageId: expect.stringMatching(new RegExp(`^<${id}@[^>]+>$`)) });
        expect((await m.core.store.outbox.getMessage(projectId, id))?.messageIdHeader).toBe(read.messageId);
      }
      expect((await m.core.outboxBrowser.list(projectId, { batchId: newBatch }, 10)).items.map((s: { id: string }) => s.id)).toEqual([...ids].reverse());
    } finally {
      await m.close();
    }
  });
});
