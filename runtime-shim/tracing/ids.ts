// W3C trace and span ids: random, never all zero. Cut from a pool of crypto-random bytes turned into
// hex 4 KiB at a time, so an id costs a string slice, not a call into the random source or the hex
// encoder.
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let hexPool = '';
let offset = 0;

function hex(digits: number, zero: string): string {
  if (offset + digits > hexPool.length) {
    hexPool = randomFillSync(POOL).toString('hex');
    offset = 0;
  }
  const id = hexPool.slice(offset, offset + digits);
  offset += digits;
  // All zero is the invalid id (1 in 2^64 at worst): draw again.
  return id === zero ? hex(digits, zero) : id;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** 16 random bytes as 32 lowercase hex digits. */
export const newTraceId = (): string => hex(32, ZERO_TRACE);
/** 8 random bytes as 16 lowercase hex digits. */
export const newSpanId = (): string => hex(16, ZERO_SPAN);
