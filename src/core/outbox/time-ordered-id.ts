import { randomFillSync } from 'node:crypto';
import { pooledRandomBytes } from '../random-pool.js';

/**
 * `count` UUIDv7s (RFC 9562: 48 bits of epoch milliseconds, then random bits) of one
 * millisecond. Ids of messages accepted together sort together, so a 100,000-row insert
 * appends to the primary-key indexes instead of touching pages all over them.
 *
 * In ascending order (RFC 9562 §6.2, method 2): the
 * first is random, each next one adds a random step of 1..65,536 to the low 48 bits.
 * The low 48 bits start below 2^47, so even a million steps cannot carry out of them,
 * and the rest of the id stays the same: only the last 12 hex digits are formatted per id.
 * Ascending by construction: request order is id order without sorting 100,000 strings.
 */
export function timeOrderedIds(now: number, count: number): string[] {
  const ids = new Array<string>(count);
  if (count === 0) return ids;
  const bytes = pooledRandomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  bytes[10] = bytes[10]! & 0x7f;
  const hex = bytes.toString('hex', 0, 10);
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-`;
  let low = bytes.readUIntBE(10, 6);
  const steps = new Uint16Array(Math.min(count, 4096));
  randomFillSync(steps);
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      const s = i % steps.length;
      if (s === 0) randomFillSync(steps);
      low += steps[s]! + 1;
    }
    ids[i] = prefix + low.toString(16).padStart(12, '0');
  }
  return ids;
}
