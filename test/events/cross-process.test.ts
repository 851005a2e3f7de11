import { spawn } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { closeClient, listen, openReadyClient, startReceiver } from './support.js';

const script = new URL('./fixtures/raise-events.mjs', import.meta.url).pathname;

/** Runs the fixture in its own Node process (against dist/, built before the tests). */
function raiseInChild(databaseUrl: string, projectId: string, uuid: string): Promise<{ pid: number; messageId: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, projectId, uuid], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { pid: number; messageId: string }) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('events across processes on postgres', () => {
  let m: TestMailroom;
  beforeEach(async () => {
    m = await startTestMailroom('postgres', { env: { MAILROOM_WEBHOOKS_ALLOW_PRIVATE: 'loopback', MAILROOM_WEBHOOK_POLL_MS: '50' } });
  });
  afterEach(() => m.close());

  it('an event raised in another process reaches this process’s WebSocket clients and webhooks, once', async () => {
    const receiver = await startReceiver();
    try {
      const created = await m.request({ method: 'POST', url: '/api/v1/webhooks', headers: m.serverHeaders, body: { url: receiver.url, events: ['email.queued'] } });
      const { secret } = created.json();
      const base = await listen(m);
      const client = await openReadyClient(`${base}/api/v1/events`, m.serverHeaders);

      const child = await raiseInChild(m.config.databaseUrl, m.project.project_id, 'from-child');
      expect(child.pid).not.toBe(process.pid);

      const added = await client.waitFor((x) => x.uuid === 'from-child');
      expect(added).toMatchObject({ type: 'EMAIL_BLOCK_ADD', name: 'from another process', content: '<p>child</p>', eventId: expect.any(Number) });
      await client.waitFor((x) => x.type === 'EMAIL_STATUS' && x.id === child.messageId);

      // The child committed the delivery with the event; this process's dispatcher sends it.
      const [request] = await receiver.waitForRequests(1);
      const body = new Webhook(secret).verify(request!.body, {
        'webhook-id': String(request!.headers['webhook-id']),
        'webhook-timestamp': String(request!.headers['webhook-timestamp']),
        'webhook-signature': String(request!.headers['webhook-signature']),
      });
      expect(body).toMatchObject({ type: 'email.queued', data: { id: child.messageId } });

      await new Promise((r) => setTimeout(r, 200));
      expect(client.messages.filter((x) => x.uuid === 'from-child')).toHaveLength(1);
      expect(receiver.requests).toHaveLength(1);
      await closeClient(client);
    } finally {
      await receiver.close();
    }
  });
});
