// The few protobuf encodings OTLP needs, written into one growing buffer. A nested message reserves
// one length byte and, in the rare case its body is 128 bytes or more, moves the body up to fit the
// longer length: no second pass, no buffer per message.

export class ProtobufWriter {
  private buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

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
    const max = value.length * 3;
    this.ensure(max + 5);
    if (max < 0x80) {
      const n = this.buf.write(value, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
    } else {
      this.varint(Buffer.byteLength(value));
      this.pos += this.buf.write(value, this.pos, 'utf8');
    }
  }

  /** A bytes field from its hex digits (trace and span ids). */
  hexBytes(field: number, hex: string): void {
    this.tag(field, 2);
    this.ensure(hex.length / 2 + 1);
    this.buf[this.pos++] = hex.length / 2;
    this.pos += this.buf.write(hex, this.pos, 'hex');
  }

  double(field: number, value: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /** A fixed64 field holding nanoseconds since the Unix epoch, from fractional milliseconds. */
  epochNanos(field: number, ms: number): void {
    this.tag(field, 1);
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(epochNanos(ms), this.pos);
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

/** Fractional epoch milliseconds as integer nanoseconds (exact to the microsecond the clock gives). */
export function epochNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}
