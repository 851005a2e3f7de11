import { describe, expect, it } from 'vitest';
import type { DeliveryStore } from '../../src/core/delivery/types.js';
import type { OutboxMessage } from '../../src/core/outbox/types.js';
import type { Project } from '../../src/core/projects/types.js';
import type { EmailRenderer, RenderRequest } from '../../src/core/templates/renderer.js';
import { renderBatch } from '../../src/delivery/render-batch.js';

/** A renderer that records what it was asked, and makes each answer name the recipient it was rendered for. */
function countingRenderer() {
  const calls: RenderRequest[] = [];
  const renderer: EmailRenderer = {
    assertTemplateExists: async () => {},
    async render(request) {
      calls.push(request);
      const personal = request.templateId !== null || Object.keys(request.variables).length > 0;
      return { subject: request.subject ?? '', html: request.html, text: personal ? `for ${request.recipient.email}` : 'shared text' };
    },
  };
  return { renderer, calls };
}

const store = {
  lookupUsers: async () => new Map(),
  suppressedAmong: async () => new Set<string>(),
} as unknown as DeliveryStore;

const project = { id: 'p1', name: 'test', settings: {} } as unknown as Project;

function message(id: string, contentId: string, overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id, contentId, projectId: 'p1', source: 'broadcast', batchId: null, status: 'rendering', skipReason: null, lastError: null,
    isPaused: false, priority: 0, transactional: true, recipientUserId: null, recipientEmail: `${id}@example.com`, recipientName: null,
    from: 'news@example.com', replyTo: null, cc: [], bcc: [], subject: 'News', html: '<p>This week</p>', text: null, templateId: null,
    variables: {}, draftId: null, headers: {}, tags: {}, attachments: [], locale: null, renderedSubject: null, renderedHtml: null,
    renderedText: null, runAt: 0, scheduledAt: null, attempts: 0, handedOffAt: null, messageIdHeader: `<${id}@example.com>`,
    smtpResponse: null, smtpQueueId: null, sentAt: null, createdAt: 0, updatedAt: 0,
    ...overrides,
  };
}

describe('rendering a claimed batch', () => {
  it('renders a broadcast once per shared content, but a personal message (variables, template) once per recipient', async () => {
    const { renderer, calls } = countingRenderer();
    const deps = { store, renderer, publicUrl: 'http://localhost', fallbackSender: 'mailroom@localhost' };
    const batch = [
      message('a', 'c1'),
      message('b', 'c1'),
      message('c', 'c1'),
      message('d', 'c2', { variables: { name: 'Dee' } }),
      message('e', 'c2', { variables: { name: 'Eve' } }),
      // Same content, but this message's subject was edited on its own (outbox PATCH): not shared.
      message('f', 'c1', { subject: 'Edited' }),
    ];
    const { results, ready } = await renderBatch(deps, project, batch);
    expect(calls.map((c) => c.recipient.email)).toEqual(['a@example.com', 'd@example.com', 'e@example.com', 'f@example.com']);
    const texts = Object.fromEntries(results.handOffs.map((h) => [h.id, h.text]));
    expect(texts).toEqual({ a: 'shared text', b: 'shared text', c: 'shared text', d: 'for d@example.com', e: 'for e@example.com', f: 'shared text' });
    expect(results.handOffs.find((h) => h.id === 'f')?.subject).toBe('Edited');
    // Each message is still its own mail, to its own recipient.
    expect([...ready.values()].map((r) => r.mail.to)).toEqual(['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com', 'f@example.com']);
  });
});
