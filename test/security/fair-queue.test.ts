import { describe, expect, it } from 'vitest';
import { createFairQueue } from '../../src/render-pool/fair-queue.js';

/** Tasks that finish when the test says so, on a clock the test moves. */
function harness(slots: number, perKey: number) {
  let clock = 0;
  const queue = createFairQueue({ slots, perKey, heavyMs: 100, halfLifeMs: Infinity, now: () => clock });
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const submit = (key: string, label: string) =>
    queue.run(key, () => {
      started.push(label);
      return new Promise<string>((resolve) => finishers.set(label, () => resolve(label)));
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return {
    queue,
    started,
    submit,
    /** Lets `ms` pass, then finishes a running task. */
    async finish(label: string, ms: number) {
      clock += ms;
      finishers.get(label)!();
      await tick();
      await tick();
    },
    tick,
  };
}

describe('fair turns on the render threads', () => {
  it('never runs more than the slots, nor more than its share for one key', async () => {
    const h = harness(2, 1);
    const all = Array.from({ length: 5 }, (_, i) => h.submit('heavy', `h${i}`));
    await h.tick();
    expect(h.started).toEqual(['h0']); // one thread stays free: the share is 1 of 2
    expect(h.queue.waiting).toBe(4);
    await h.finish('h0', 500);
    expect(h.started).toEqual(['h0', 'h1']);
    for (let i = 1; i < 5; i++) await h.finish(`h${i}`, 500);
    expect(await Promise.all(all)).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(h.queue.waiting).toBe(0);
  });

  it("keeps the last free thread for light projects: heavy backlogs never delay a light render", async () => {
    const h = harness(2, 1);
    // Three projects with a backlog of heavy renders each. Nobody is known heavy yet: two run at once.
    for (const key of ['a', 'b', 'c']) for (let i = 0; i < 10; i++) void h.submit(key, `${key}${i}`);
    await h.tick();
    expect(h.started).toEqual(['a0', 'b0']);
    await h.finish('b0', 1); // c has used nothing yet: it goes next
    expect(h.started.at(-1)).toBe('c0');
    await h.finish('a0', 499); // a is now heavy (500 ms); b has used 1 ms
    expect(h.started.at(-1)).toBe('b1');
    // A light project arrives behind 26 waiting heavy renders: it takes the next free thread.
    const light = h.submit('light', 'l0');
    await h.tick();
    await h.finish('c0', 500);
    expect(h.started.at(-1)).toBe('l0');
    await h.finish('l0', 2);
    expect(await light).toBe('l0');
    // Only heavy projects wait now (b's 1 ms render is still running): the freed thread stays free for light ones.
    expect(h.started.at(-1)).toBe('l0');
    expect(h.queue.waiting).toBe(26);
    const again = h.submit('light', 'l1');
    await h.tick();
    expect(h.started.at(-1)).toBe('l1');
    await h.finish('l1', 2);
    expect(await again).toBe('l1');
    // With a thread otherwise free, heavy projects go on one at a time, least used first.
    await h.finish('b1', 500);
    expect(h.started.at(-1)).toBe('a1');
  });

  it('passes a failure to its caller and keeps serving', async () => {
    const queue = createFairQueue({ slots: 1, perKey: 1 });
    await expect(queue.run('x', () => Promise.reject(new Error('subject: limit')))).rejects.toThrow('subject: limit');
    await expect(queue.run('x', () => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(await queue.run('x', async () => 'ok')).toBe('ok');
  });
});
