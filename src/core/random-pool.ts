import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn from a buffer filled 64 KB at a time. Each synchronous
 * randomBytes() call costs ~10 µs whatever its size; ids and MIME boundaries are
 * wanted by the hundred thousand, 16 bytes each.
 */
const pool = Buffer.alloc(16 * 4096);
let offset = pool.length;

/** `size` (at most 64 KB) fresh random bytes, copied out of the pool. */
export function pooledRandomBytes(size: number): Buffer {
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
