// The few protobuf encodings OTLP needs, written into one growing buffer. A nested message reserves
// one length byte and, in the rare case its body is 128 bytes or more, moves the body up to fit the
// longer length: no second pass, no buffer per message.

/** Hex digit → its value, -1 for any other character (ASCII only). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = HEX_VALUE[65 + i] = 10 + i;

export class ProtobufWriter {
  private buf: Buffer;
  pos = 0;

  constructor(size = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The bytes written so far (a view: copy it before writing more). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A non-negative integer below 2^53. */
  varint(value: number): void {
    this.ensure(10);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An int64 field (a negative as its 64-bit two's complement, as protobuf does). */
  int64(field: number, value: number): void {
    this.tag(field, 0);
    if (value >= 0) return this.varint(value);
    let big = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (big >= 0x80n) {
      this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  uint(field: number, value: number): void {
    this.tag(field, 0);
    this.varint(value);
  }

  string(field: number, value: string): void {
    this.tag(field, 2);
    const length = value.length;
    this.ensure(length * 3 + 5);
    // Short ASCII (names, keys, routes: nearly every string here) copied by hand: cheaper than a
    // call into the encoder for a few bytes.
    if (length < 0x80) {
      const buf = this.buf;
      let at = this.pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at++] = c;
      }
      if (i === length) {
        buf[this.pos] = length;
        this.pos = at;
        return;
      }
    }
    this.varint(Buffer.byteLength(value));
    this.pos += this.buf.write(value, this.pos, 'utf8');
  }

  /**
   * A bytes field from its hex digits (trace and span ids: at most 16 bytes). The length is what was
   * written: the encoder stops at the first character that is not hex (an app's link to made-up ids),
   * and a length claiming more would make the whole export undecodable.
   */
  hexBytes(field: number, hex: string): void {
    this.tag(field, 2);
    this.ensure(17);
    this.pos = decodeHex(this.buf, this.pos, hex);
  }

  /**
   * An id field (`hexBytes`) through a one-entry cache: the spans of a request share their trace id,
   * and a child's parent id is the span id its parent ends with, the same string object each time,
   * so the second use copies 8 or 16 bytes instead of decoding the digits again.
   */
  idBytes(field: number, hex: string, cache: IdCache): void {
    this.tag(field, 2);
    this.ensure(17);
    const buf = this.buf;
    const at = this.pos;
    const bytes = cache.bytes;
    if (hex === cache.hex) {
      const n = bytes[16]!;
      buf[at] = n;
      for (let i = 0; i < n; i++) buf[at + 1 + i] = bytes[i]!;
      this.pos = at + 1 + n;
      return;
    }
    this.pos = decodeHex(buf, at, hex);
    const n = buf[at]!;
    for (let i = 0; i < n; i++) bytes[i] = buf[at + 1 + i]!;
    bytes[16] = n;
    cache.hex = hex;
  }

  /** Raw bytes, already encoded (a message's fields written by another writer). */
  bytes(data: Uint8Array): void {
    const length = data.length;
    this.ensure(length);
    const buf = this.buf;
    // A few bytes by hand; more (a span's head of tens of bytes, a batch's spans) with TypedArray#set,
    // which costs one call (~20 ns for 70 bytes, against ~50–90 ns for the loop; Buffer#copy makes a
    // view of the source on each call).
    if (length < 24) {
      const at = this.pos;
      for (let i = 0; i < length; i++) buf[at + i] = data[i]!;
    } else buf.set(data, this.pos);
    this.pos += length;
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /**
   * A fixed64 field holding nanoseconds since the Unix epoch, from fractional milliseconds: as a double
   * it is exact to 256 ns, finer than the microseconds the clock gives, and needs no BigInt.
   */
  epochNanos(field: number, ms: number): void {
    this.tag(field, 1);
    this.ensure(8);
    const ns = epochNanos(ms);
    const high = Math.floor(ns / 0x1_0000_0000);
    let low = ns - high * 0x1_0000_0000;
    // Little-endian by hand (two writeUInt32LE calls checked their arguments each time).
    const buf = this.buf;
    let at = this.pos;
    buf[at++] = low & 0xff;
    buf[at++] = (low >>>= 8) & 0xff;
    buf[at++] = (low >>>= 8) & 0xff;
    buf[at++] = low >>> 8;
    buf[at++] = high & 0xff;
    buf[at++] = (high >>> 8) & 0xff;
    buf[at++] = (high >>> 16) & 0xff;
    buf[at++] = high >>> 24;
    this.pos = at;
  }

  /** Opens a nested message (field, wire type 2); `close` it with the returned mark. */
  open(field: number): number {
    this.tag(field, 2);
    this.ensure(1);
    return this.pos++;
  }

  close(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 0x80) {
      this.buf[mark] = length;
      return;
    }
    let extra = 0;
    for (let n = length; n >= 0x80; n = Math.floor(n / 0x80)) extra++;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    const end = this.pos + extra;
    this.pos = mark;
    this.varint(length);
    this.pos = end;
  }
}

/** The last id `idBytes` decoded (its bytes, and their count at index 16). */
export interface IdCache {
  hex: string;
  bytes: Uint8Array;
}

export const newIdCache = (): IdCache => ({ hex: '', bytes: new Uint8Array(17) });

/** Hex digits into `buf` at `at` as a length byte and the bytes (at most 16); returns the position after them. */
function decodeHex(buf: Buffer, at: number, hex: string): number {
  // Decoded by hand: cheaper than a call into the native hex decoder for 8 or 16 bytes.
  const n = Math.min(hex.length >> 1, 16);
  let i = 0;
  for (; i < n; i++) {
    const hi = hex.charCodeAt(2 * i);
    const lo = hex.charCodeAt(2 * i + 1);
    const a = hi < 128 ? HEX_VALUE[hi]! : -1;
    const b = lo < 128 ? HEX_VALUE[lo]! : -1;
    if ((a | b) < 0) break;
    buf[at + 1 + i] = (a << 4) | b;
  }
  buf[at] = i;
  return at + 1 + i;
}

/** Fractional epoch milliseconds as integer nanoseconds (a double: exact to 256 ns, printed without exponent). */
export function epochNanos(ms: number): number {
  return Math.round(ms * 1e6);
}

