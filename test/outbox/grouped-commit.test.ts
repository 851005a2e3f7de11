import { describe, expect, it } from 'vitest';
import { MailroomError } from '../../src/core/errors.js';
import { createEventBus } from '../../src/core/events.js';
import { createIdempotency } from '../../src/core/idempotency/idempotency.js';
import { createEnqueue, type Unit } from '../../src/core/outbox/enqueue.js';
import type { OutboxStore, SendToInsert } from '../../src/core/outbox/types.js';

/** A unit for one recipient; its subject names it, and the fake store below answers by that name. */
const unit = (name: string): Unit => ({
  content: { from: null, replyTo: null, subject: name, html: null, text: 't', templateId: null, variables: null, draftId: null, headers: null, tags: null, attachments: null },
  send: { source: 'mail', batchId: null, priority: 0, transactional: true, scheduledAt: null, messageIdHeader: null },
  recipients: [{ recipient: { email: `${name}@example.com` }, recipientName: null, cc: [], bcc: [], locale: null }],
});

/**
 * Records each transaction as `project:subject,...` (with `key=` when one is marked committed). A
 * transaction holding `poison` throws as a whole (as a bug would); `down` fails every one as a lost database.
 */
function fakeStore(opts: { poison?: string; down?: boolean } = {}) {
  const transactions: string[] = [];
  const store = {
    async insertMessages(projectId: string, sends: readonly SendToInsert[], _now: number, key?: string) {
      const names = sends.map((s) => s.content.subject);
      transactions.push(`${projectId}:${names.join(',')}${key ? ` key=${key}` : ''}`);
      if (opts.down) throw new MailroomError('DATABASE_UNAVAILABLE', 'the database is unavailable');
      if (opts.poison && names.includes(opts.poison)) throw new TypeError('a bug');
    },
  } as unknown as OutboxStore;
  return { store, transactions };
}

function enqueueWith(store: OutboxStore) {
  return createEnqueue({ store, clock: { now: () => Date.now() }, events: createEventBus(() => {}), messageIdDomain: 'example.com' });
}

const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));
const subjects = (units: Array<{ content: { subject: string | null } }>) => units.map((u) => u.content.subject);

describe('commits that arrive together', () => {
  it('share one transaction per project, each caller answered with its own messages', async () => {
    const { store, transactions } = fakeStore();
    const commit = enqueueWith(store);
    const [a, b, c] = await Promise.all([commit('p1', [unit('a')]), commit('p2', [unit('b')]), commit('p1', [unit('c'), unit('d')])]);
    expect([subjects(a), subjects(b), subjects(c)]).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(new Set([...a, ...b, ...c].map((u) => u.messages[0]!.id)).size).toBe(4);
    expect(transactions).toEqual(['p1:a,c,d', 'p2:b']);
  });

  it('are tried one by one when their transaction fails as a whole, so only the request that trips it fails', async () => {
    const { store, transactions } = fakeStore({ poison: 'bad' });
    const commit = enqueueWith(store);
    const [a, bad, c] = await Promise.all([settle(commit('p', [unit('a')])), settle(commit('p', [unit('bad')])), settle(commit('p', [unit('c')]))]);
    expect(a).toMatchObject({ value: [{ content: { subject: 'a' } }] });
    expect(c).toMatchObject({ value: [{ content: { subject: 'c' } }] });
    expect((bad as { error: Error }).error).toBeInstanceOf(TypeError);
    expect(transactions).toEqual(['p:a,bad,c', 'p:a', 'p:bad', 'p:c']);
  });

  it('all fail at once when the database is away (no retries one by one)', async () => {
    const { store, transactions } = fakeStore({ down: true });
    const commit = enqueueWith(store);
    const results = await Promise.all([settle(commit('p', [unit('a')])), settle(commit('p', [unit('b')]))]);
    for (const r of results) expect((r as { error: MailroomError }).error.code).toBe('DATABASE_UNAVAILABLE');
    expect(transactions).toEqual(['p:a,b']);
  });

  it('leave a commit under an Idempotency-Key in a transaction of its own, which marks the key', async () => {
    const { store, transactions } = fakeStore();
    const commit = enqueueWith(store);
    const keys = { claim: async () => ({ claimed: true }), complete: async () => {}, release: async () => {} };
    const idempotency = createIdempotency({ store: keys as never, clock: { now: () => Date.now() } });
    const keyed = idempotency.run('p', 'key-1', 'hash', async () => ({ status: 200, body: subjects(await commit('p', [unit('k')])) }));
    const [a, k, b] = await Promise.all([commit('p', [unit('a')]), keyed, commit('p', [unit('b')])]);
    expect([subjects(a), k.body, subjects(b)]).toEqual([['a'], ['k'], ['b']]);
    expect(transactions).toEqual(expect.arrayContaining(['p:k key=key-1', 'p:a,b']));
    expect(transactions).toHaveLength(2);
  });
});
