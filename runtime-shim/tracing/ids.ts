// W3C trace and span ids: random, never all zero. Drawn from a pool of crypto-random bytes filled
// 4 KiB at a time, so an id costs a hex slice of that pool, not a call into the random source.
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function hex(bytes: number): string {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const id = POOL.toString('hex', offset, offset + bytes);
  offset += bytes;
  // All zero is the invalid id (1 in 2^64 at worst): draw again.
  return /^0+$/.test(id) ? hex(bytes) : id;
}

/** 16 random bytes as 32 lowercase hex digits. */
export const newTraceId = (): string => hex(16);
/** 8 random bytes as 16 lowercase hex digits. */
export const newSpanId = (): string => hex(8);
