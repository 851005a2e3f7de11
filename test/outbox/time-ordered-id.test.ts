import { describe, expect, it } from 'vitest';
import { timeOrderedIds } from '../../src/core/outbox/time-ordered-id.js';

describe('timeOrderedIds', () => {
  it('gives ascending, distinct UUIDv7s of one millisecond, in request order without a sort', () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const ids = timeOrderedIds(now, 20_000);
    expect(ids).toHaveLength(20_000);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! < ids[i]!).toBe(true);
    const time = now.toString(16).padStart(12, '0');
    for (const id of [ids[0]!, ids[9_999]!, ids[19_999]!]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(id.replaceAll('-', '').slice(0, 12)).toBe(time);
    }
    // Two calls in the same millisecond start from independent random points.
    expect(timeOrderedIds(now, 1)[0]).not.toBe(timeOrderedIds(now, 1)[0]);
    expect(timeOrderedIds(now, 0)).toEqual([]);
  });
});
