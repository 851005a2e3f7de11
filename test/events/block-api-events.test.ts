import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineKinds } from '../support/engines.js';
import { startTestMailroom, type TestMailroom } from '../support/mailroom.js';
import { listen, openReadyClient, type EventClient } from './support.js';

/** The seed 002 events, raised by the real block and template endpoints rather than by hand. */
describe.each(engineKinds)('block and template API changes reach WebSocket clients on %s', (engine) => {
  let m: TestMailroom;
  const clients: EventClient[] = [];
  beforeEach(async () => {
    m = await startTestMailroom(engine);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await m.close();
  });

  it('sends EMAIL_BLOCK_ADD with the documented fields to a blocks reader, and nothing to a templates-only reader', async () => {
    const base = await listen(m);
    const blocksReader = await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['email.blocks:read'] });
    const templatesReader = await m.core.projects.createKey(m.project.project_id, { kind: 'scoped', permissions: ['email.templates:read'] });
    const blocks = await openReadyClient(`${base}/api/v1/events`, { authorization: `Bearer ${blocksReader.key}` });
    const templates = await openReadyClient(`${base}/api/v1/events`, { authorization: `Bearer ${templatesReader.key}` });
    clients.push(blocks, templates);

    const created = await m.request({ method: 'POST', url: '/api/v1/email/blocks', headers: m.serverHeaders, body: { name: 'footer', content: '<p>bye</p>' } });
    expect(created.statusCode).toBe(201);
    const block = created.json() as { uuid: string; createdAt: number };
    const event = await blocks.waitFor((e) => e.type === 'EMAIL_BLOCK_ADD');
    expect(event).toMatchObject({ type: 'EMAIL_BLOCK_ADD', uuid: block.uuid, name: 'footer', content: '<p>bye</p>', createdAt: block.createdAt });

    const template = await m.request({
      method: 'POST',
      url: '/api/v1/email/templates',
      headers: m.serverHeaders,
      body: { name: 'welcome', subject: 'Hi', body: `<p>Hello</p>{{ block:${block.uuid} }}`, translations: {}, parameters: [] },
    });
    expect(template.statusCode).toBe(201);
    await templates.waitFor((e) => e.type === 'EMAIL_TEMPLATE_ADD' && e.uuid === template.json().uuid);
    // The templates-only reader saw the template but never the block.
    expect(templates.messages.some((e) => e.type.startsWith('EMAIL_BLOCK'))).toBe(false);
    expect(blocks.messages.some((e) => e.type.startsWith('EMAIL_TEMPLATE'))).toBe(false);
  });
});
