import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';

/** An attachment sent many times (a batch, later sends) is stored once per project, and every message still has it. */
describe.each(engineKinds)('attachments on %s', (engine) => {
  let m: TestMailroom;
  beforeAll(async () => {
    m = await startTestMailroom(engine);
  });
  afterAll(async () => {
    await m?.close();
  });

  it('stores identical attachment bytes once per project; each message reads them back', async () => {
    const auth = { authorization: `Bearer ${m.project.secret_server_key}` };
    const content = Buffer.from('%PDF-1.4 the same report').toString('base64');
    const email = (to: string) => ({ from: 'app@example.com', to, subject: 'Report', text: 'attached', attachments: [{ filename: 'report.pdf', content }] });
    const batch = await m.request({ method: 'POST', url: '/mail/batch', headers: auth, body: { emails: [email('a@example.com'), email('b@example.com')] } });
    expect(batch.statusCode, batch.body).toBe(200);
    const single = await m.request({ method: 'POST', url: '/mail/send', headers: { ...auth, 'idempotency-key': 'report-c' }, body: email('c@example.com') });
    expect(single.statusCode, single.body).toBe(200);
    const ids = [...(batch.json() as { results: { id: string }[] }).results.map((r) => r.id), (single.json() as { id: string }).id];

    const blobs = await m.core.engine.db.selectFrom('attachment_blobs').select(['hash', 'size']).where('project_id', '=', m.project.project_id).execute();
    expect(blobs).toHaveLength(1);
    expect(Number(blobs[0]!.size)).toBe(Buffer.from(content, 'base64').length);
    for (const id of ids) {
      const message = await m.core.store.outbox.getMessage(m.project.project_id, id);
      expect(message?.attachments).toEqual([expect.objectContaining({ filename: 'report.pdf', content })]);
    }
    // The key stands for the committed send: a retry replays it.
    const replay = await m.request({ method: 'POST', url: '/mail/send', headers: { ...auth, 'idempotency-key': 'report-c' }, body: email('c@example.com') });
    expect((replay.json() as { id: string }).id).toBe(ids[2]);
  });
});
