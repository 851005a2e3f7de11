import { afterEach, describe, expect, it } from 'vitest';
import { startDeliveringMailroom } from '../delivery/helpers.js';
import { engineKinds } from '../support/engines.js';
import type { TestMailroom } from '../support/mailroom.js';
import { eventually, parse, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

/** What the mail API's requests become at a real SMTP server. */
describe.each(engineKinds)('mail API delivered over SMTP on %s', (engine) => {
  let m: TestMailroom | undefined;
  let sink: SmtpSink | undefined;
  afterEach(async () => {
    await m?.close();
    await sink?.close();
    m = sink = undefined;
  });

  async function start() {
    sink = await startSmtpSink();
    m = await startDeliveringMailroom(engine, { SMTP_URL: sink.url });
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    return (url: string, body: unknown) => m!.request({ method: 'POST', url, headers: auth, body });
  }

  /** How many messages reached `address` (envelope recipients). */
  const copiesFor = (address: string) => sink!.received.filter((r) => r.to.includes(address)).length;

  it('gives cc and bcc one copy however many `to` addresses a send or batch item has', async () => {
    const post = await start();
    const sent = await post('/mail/send', { from: 'app@example.com', to: ['a@example.com', 'b@example.com'], cc: 'c@example.com', bcc: 'd@example.com', subject: 'Hi', text: 'hi' });
    expect(sent.statusCode).toBe(200);
    const batch = await post('/mail/batch', {
      emails: [{ from: 'app@example.com', to: ['e@example.com', 'f@example.com', 'g@example.com'], cc: ['h@example.com'], subject: 'Hi', text: 'hi' }],
    });
    expect(batch.statusCode).toBe(200);
    await sink!.waitFor(5);
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more is on its way
    expect(sink!.received).toHaveLength(5);
    for (const to of ['a', 'b', 'e', 'f', 'g']) expect(copiesFor(`${to}@example.com`)).toBe(1);
    expect(copiesFor('c@example.com')).toBe(1);
    expect(copiesFor('d@example.com')).toBe(1);
    expect(copiesFor('h@example.com')).toBe(1);
    // The copy goes with the first `to`, and the Cc header shows on that message only.
    const first = sink!.received.find((r) => r.to.includes('a@example.com'))!;
    expect(first.to.sort()).toEqual(['a@example.com', 'c@example.com', 'd@example.com']);
    expect((await parse(first)).cc).toMatchObject({ text: 'c@example.com' });
    expect((await parse(sink!.received.find((r) => r.to.includes('b@example.com'))!)).cc).toBeUndefined();
  });

  it("keeps a broadcast's generated text part once, on its shared content, and every message still reads it", async () => {
    const post = await start();
    const res = await post('/mail/broadcast', { from: 'news@example.com', to: ['a@example.com', 'b@example.com', 'c@example.com'], subject: 'News', html: '<p>This <b>week</b></p>' });
    expect(res.statusCode).toBe(200);
    const { ids } = res.json() as { ids: string[] };
    await sink!.waitFor(3);
    for (const r of sink!.received) expect((await parse(r)).text).toContain('This week');
    const db = m!.core.engine.db;
    const stored = await eventually(async () => {
      const rows = await db.selectFrom('outbox_messages').select(['status', 'rendered_text', 'content_id']).where('id', 'in', ids).execute();
      return rows.every((r) => r.status === 'sent') ? rows : undefined;
    });
    expect(stored.map((r) => r.rendered_text)).toEqual([null, null, null]);
    const content = await db.selectFrom('outbox_contents').select('rendered_text').where('id', '=', stored[0]!.content_id!).executeTakeFirstOrThrow();
    expect(content.rendered_text).toContain('This week');
    for (const id of ids) expect((await m!.core.store.outbox.getMessage(m!.project.project_id, id))?.renderedText).toContain('This week');
  });

  it('refuses cc and bcc on a broadcast, naming the field, and sends nothing', async () => {
    const post = await start();
    for (const field of ['cc', 'bcc']) {
      const res = await post('/mail/broadcast', { from: 'news@example.com', to: ['a@example.com', 'b@example.com'], [field]: ['c@example.com'], subject: 'News', text: 'x' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 'SCHEMA_ERROR', message: expect.stringContaining(`body.${field}`) });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink!.received).toHaveLength(0);
  });

  it('keeps the display name given with the address in the To header; the envelope has the bare address', async () => {
    const post = await start();
    const res = await post('/mail/send', { from: 'app@example.com', to: '"Bob" <bob@example.com>', subject: 'Hi', text: 'hi' });
    expect(res.statusCode).toBe(200);
    await sink!.waitFor(1);
    const received = sink!.received[0]!;
    expect(received.to).toEqual(['bob@example.com']);
    expect(received.raw).toMatch(/^To: "?Bob"? <bob@example\.com>\r?$/m);
    expect((await parse(received)).to).toMatchObject({ value: [{ name: 'Bob', address: 'bob@example.com' }] });
  });
});
