import { describe, expect, it } from 'vitest';
import { invalidField, MailroomError } from '../../src/core/errors.js';
import type { Accepted, AcceptRequest, ItemResult } from '../../src/core/outbox/accept.js';
import { createGroupedAccept } from '../../src/ingest/grouped-accept.js';

/** A request naming its recipient; the fake use-case below answers by that name. */
const request = (to: string): AcceptRequest => ({ source: 'smtp', to: [{ email: to }], subject: 's', content: { kind: 'body', html: null, text: 't' } });
const nameOf = (r: AcceptRequest) => (r.to as Array<{ email: string }>)[0]!.email;
const accepted = (id: string) => ({ accepted: { ids: [id] } as unknown as Accepted });

/**
 * A stand-in for the accept use-case: `refused` addresses get a per-item error, a group holding
 * `poison` throws as a whole (as a bug would), and `down` makes every call fail as a lost database.
 */
function fakeAcceptEach(opts: { poison?: string; down?: boolean } = {}) {
  const calls: string[][] = [];
  const acceptEach = async (projectId: string, requests: readonly AcceptRequest[]): Promise<ItemResult[]> => {
    const names = requests.map(nameOf);
    calls.push(names.map((n) => `${projectId}:${n}`));
    if (opts.down) throw new MailroomError('DATABASE_UNAVAILABLE', 'the database is unavailable');
    if (opts.poison && names.includes(opts.poison)) throw new TypeError('a bug');
    return names.map((n) => (n.startsWith('refused') ? { error: invalidField('subject', 'is too long') } : accepted(`id-${n}`)));
  };
  return { acceptEach, calls };
}

const settle = <T>(p: Promise<T>) => p.then((ids) => ({ ids }), (error: unknown) => ({ error }));

describe('grouped accept (SMTP ingest)', () => {
  it('commits the messages that arrive together in one accept per project, each answered with its own ids', async () => {
    const { acceptEach, calls } = fakeAcceptEach();
    const accept = createGroupedAccept(acceptEach);
    const results = await Promise.all([accept.grouped('p1', request('a')), accept.grouped('p2', request('b')), accept.grouped('p1', request('c'))]);
    expect(results).toEqual([['id-a'], ['id-b'], ['id-c']]);
    expect(calls).toEqual([['p1:a', 'p1:c'], ['p2:b']]);
  });

  it('fails a refused message alone', async () => {
    const accept = createGroupedAccept(fakeAcceptEach().acceptEach);
    const [a, refused, c] = await Promise.all([settle(accept.grouped('p', request('a'))), settle(accept.grouped('p', request('refused-b'))), settle(accept.grouped('p', request('c')))]);
    expect(a).toEqual({ ids: ['id-a'] });
    expect(c).toEqual({ ids: ['id-c'] });
    expect((refused as { error: MailroomError }).error.code).toBe('SCHEMA_ERROR');
  });

  it('tries each message of a group that failed as a whole on its own, so only the one that trips the failure fails', async () => {
    const { acceptEach, calls } = fakeAcceptEach({ poison: 'bad' });
    const accept = createGroupedAccept(acceptEach);
    const [a, bad, c] = await Promise.all([settle(accept.grouped('p', request('a'))), settle(accept.grouped('p', request('bad'))), settle(accept.grouped('p', request('c')))]);
    expect(a).toEqual({ ids: ['id-a'] });
    expect(c).toEqual({ ids: ['id-c'] });
    expect((bad as { error: Error }).error).toBeInstanceOf(TypeError);
    expect(calls).toEqual([['p:a', 'p:bad', 'p:c'], ['p:a'], ['p:bad'], ['p:c']]);
  });

  it('fails every message of the group at once when the database is away (no retries one by one)', async () => {
    const { acceptEach, calls } = fakeAcceptEach({ down: true });
    const accept = createGroupedAccept(acceptEach);
    const results = await Promise.all([settle(accept.grouped('p', request('a'))), settle(accept.grouped('p', request('b')))]);
    for (const r of results) expect((r as { error: MailroomError }).error.code).toBe('DATABASE_UNAVAILABLE');
    expect(calls).toEqual([['p:a', 'p:b']]);
  });

  it('commits a keyed message in an accept of its own', async () => {
    const { acceptEach, calls } = fakeAcceptEach();
    const accept = createGroupedAccept(acceptEach);
    const [grouped, alone] = await Promise.all([accept.grouped('p', request('a')), accept.alone('p', request('k'))]);
    expect([grouped, alone]).toEqual([['id-a'], ['id-k']]);
    expect(calls).toContainEqual(['p:k']);
    expect(calls).toContainEqual(['p:a']);
  });
});
