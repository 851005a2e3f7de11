import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { fastDelivery, settled } from '../delivery/helpers.js';
import { runCli } from '../support/cli.js';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

const day = 86_400_000;

/** Retention: bodies after MAILROOM_RETENTION_DAYS, messages after the history period, keys after 24 h, inbox newest N. */
describe.each(engineKinds)('retention on %s', (engine) => {
  let m: TestMailroom | undefined;
  afterEach(async () => {
    await m?.close();
    m = undefined;
  });

  it('prunes bodies, then messages and history, expired idempotency keys and inbox overflow; a dry run counts and removes nothing', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now };
    // No SMTP_URL: mail goes to the capture inbox, which keeps the newest 2 per project.
    m = await startTestMailroom(engine, { clock, env: { ...fastDelivery, MAILROOM_INBOX_KEEP: '2', MAILROOM_PRUNE_INTERVAL_S: '0' } });
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    const attachment = Buffer.from('report bytes').toString('base64');
    const sent = await m.request({
      method: 'POST',
      url: '/mail/broadcast',
      headers: { ...auth, 'idempotency-key': 'k1' },
      body: { from: 'app@example.com', to: ['a@example.com', 'b@example.com', 'c@example.com'], subject: 'Old news', html: '<p>old</p>', attachments: [{ filename: 'r.txt', content: attachment }] },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    const ids = sent.json().ids as string[];
    for (const id of ids) await settled(m, id, ['sent']);
    const fresh = await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'd@example.com', subject: 'Fresh', html: '<p>new</p>' } });
    await settled(m, fresh.json().id, ['sent']);
    const inbox = async () => (await m!.core.inbox.list(m!.project.project_id, { limit: 50 })).items;
    const get = (id: string) => m!.request({ method: 'GET', url: `/mail/emails/${id}`, headers: auth });

    // Nothing is old yet: only the inbox overflow (4 captured, 2 kept) goes.
    const dry = await m.core.pruner.run({ dryRun: true });
    expect(dry).toEqual({ bodies: 0, messages: 0, blobs: 0, 'idempotency-keys': 0, inbox: 2 });
    expect(await m.core.pruner.run({ batch: 1 })).toMatchObject({ inbox: 2, bodies: 0 });
    expect(await inbox()).toHaveLength(2);

    // 31 days on: the broadcast's shared body and attachment go, its metadata and history stay; the key expired long ago.
    now += 31 * day;
    const fresher = await m.request({ method: 'POST', url: '/mail/send', headers: auth, body: { from: 'app@example.com', to: 'e@example.com', subject: 'Newer', html: '<p>newer</p>' } });
    expect(fresher.statusCode).toBe(200);
    const counts = await m.core.pruner.run();
    expect(counts).toMatchObject({ bodies: 2, messages: 0, 'idempotency-keys': 1 });
    const old = (await get(ids[0]!)).json();
    expect(old).toMatchObject({ subject: 'Old news', status: 'sent', html: null, attachments: [], statusHistory: expect.arrayContaining([expect.objectContaining({ status: 'sent' })]) });
    expect((await get(fresher.json().id)).json()).toMatchObject({ html: '<p>newer</p>' });
    expect(await m.core.engine.db.selectFrom('attachment_blobs').select('hash').execute()).toHaveLength(0);

    // 91 days on: the finished messages and their history go; the one still queued stays.
    now += 60 * day;
    expect(await m.core.pruner.run({ batch: 2 })).toMatchObject({ messages: 4 });
    expect((await get(ids[0]!)).statusCode).toBe(404);
    expect((await get(fresher.json().id)).statusCode).toBe(200);
  }, 60_000);

  it('mailroom prune --dry-run prints what it would remove, with progress', async () => {
    m = await startTestMailroom(engine);
    const result = await runCli(['prune', '--dry-run'], { DATABASE_URL: m.config.databaseUrl });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('would remove 0 bodies');
    expect(result.stdout).toContain('would remove 0 inbox');
    expect(result.stderr).toContain('messages: 0');
  });
});
