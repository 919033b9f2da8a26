// A buffered writer of log lines to a file descriptor (stdout). One synchronous write per log line
// cost ~40% of a server's throughput (issue 13); here the lines of FLUSH_MS leave together in a few
// write(2)s, or at once when BUFFER_SIZE is full, and every line still buffered is written
// synchronously when the process exits or crashes (stdout-writer.ts).
import { writeSync } from 'node:fs';
import { setTimeout } from 'node:timers';

/**
 * Linux's PIPE_BUF: a write to a pipe no larger than this is atomic. With `sharedPipe`, chunks are cut
 * at line ends within it, so lines never interleave with another process's writes to the same pipe
 * (cluster workers share their primary's stdout). Alone on the pipe, a batch goes in one write(2):
 * every write wakes the reader, which cost more than the lines themselves.
 */
const PIPE_BUF = 4096;
/**
 * Lines are encoded straight into a buffer of this size (no long string to flatten and encode again
 * at flush time); a full buffer is written at once.
 */
const BUFFER_SIZE = 64 * 1024;
/**
 * How long a line may wait for the next. Flushing after every event-loop turn cost more than twice as
 * much CPU per line under load (bench/log-writer.mjs): a loaded server's turns are short, so batches
 * were small. A full pipe is retried after the same delay, without holding up the event loop.
 */
const FLUSH_MS = 10;

export interface LineWriterOptions {
  /**
   * While the reader is slower than the writer (a full non-blocking pipe), up to this many bytes wait
   * in memory; past it the writer waits for the reader (blocking the event loop): lines are never
   * dropped. Default 16 MiB.
   */
  maxBuffered?: number;
  /** Other processes write to the same pipe (cluster workers): writes are cut at line ends within PIPE_BUF. */
  sharedPipe?: boolean;
}

/**
 * With the control panel on, its log buffer gets the lines as the writer encoded them, a batch at a
 * time (one copy of bytes per flush instead of a second UTF-8 encoding of every line); undefined
 * otherwise: one check per flush.
 */
let linesTee: ((lines: Buffer) => void) | undefined;

export function setLinesTee(copy: ((lines: Buffer) => void) | undefined): void {
  linesTee = copy;
}

export class LineWriter {
  /** Encoded lines, `used` bytes of it. */
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  /** Bytes a full pipe did not take yet (or a line too long for the buffer); they go before `buf`. */
  private unwritten: Buffer | undefined;
  /** A flush is due on the timer (new lines, or a full pipe to retry). */
  private scheduled = false;
  private readonly maxBuffered: number;
  private readonly chunk: number;

  constructor(readonly fd: number, options: LineWriterOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 16 * 1024 * 1024;
    this.chunk = options.sharedPipe ? PIPE_BUF : Infinity;
  }

  /** Buffers `text` (whole lines, each ending in '\n'). */
  write(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: past that bound, make room first.
    const worst = text.length * 3;
    if (worst > BUFFER_SIZE - this.used) {
      if (worst > BUFFER_SIZE) {
        this.spill();
        const long = Buffer.from(text);
        if (linesTee !== undefined) linesTee(long);
        this.unwritten = this.unwritten ? Buffer.concat([this.unwritten, long]) : long;
        return this.flush();
      }
      this.flush();
    }
    this.used += this.buf.write(text, this.used);
    this.schedule();
  }

  /**
   * For a caller that encodes a line itself (request-line.ts): the buffer, with room for `bytes` more
   * from `end` (written out first when it had not), or undefined past the buffer's size. The caller
   * writes its bytes there and calls `commit` with where they end.
   */
  reserve(bytes: number): Buffer | undefined {
    if (bytes > BUFFER_SIZE - this.used) {
      if (bytes > BUFFER_SIZE) return undefined;
      this.flush();
    }
    return this.buf;
  }

  /** Where the next line starts in the buffer that `reserve` returns. */
  get end(): number {
    return this.used;
  }

  /** The bytes written after `reserve`, up to `end`, are lines. */
  commit(end: number): void {
    this.used = end;
    this.schedule();
  }

  /** Writes what the descriptor takes now; what a full pipe refuses is retried on the timer. */
  flush(): void {
    this.spill();
    if (!this.drain()) return;
    if (this.unwritten!.length > this.maxBuffered) return this.flushSync();
    this.schedule();
  }

  /** Writes everything, waiting for a full pipe to drain (at exit, and past maxBuffered). */
  flushSync(): void {
    this.spill();
    while (this.drain()) sleep(1);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // unref: a pending flush does not keep a process alive; the exit hook writes what is left.
    setTimeout(this.onTimer, FLUSH_MS).unref();
  }

  private readonly onTimer = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * Sends the buffered lines on: straight from the buffer when nothing waits before them (the
   * common case: no copy), only what the descriptor refuses copied behind; else copied behind
   * `unwritten` (the buffer is reused at once).
   */
  private spill(): void {
    if (this.used === 0) return;
    const fresh = this.buf.subarray(0, this.used);
    if (linesTee !== undefined) linesTee(fresh);
    this.used = 0;
    if (this.unwritten === undefined) {
      const written = writeSome(this.fd, fresh, this.chunk);
      if (written < fresh.length) this.unwritten = Buffer.from(fresh.subarray(written));
      return;
    }
    this.unwritten = Buffer.concat([this.unwritten, fresh]);
  }

  /** Writes `unwritten` until all is out (false) or the descriptor would block (true: the rest stays). */
  private drain(): boolean {
    const out = this.unwritten;
    if (out === undefined) return false;
    const written = writeSome(this.fd, out, this.chunk);
    if (written < out.length) {
      this.unwritten = out.subarray(written);
      return true;
    }
    this.unwritten = undefined;
    return false;
  }
}

/** Writes `out` in chunks: the bytes written before the descriptor would block (all of them when it never does). */
function writeSome(fd: number, out: Buffer, chunk: number): number {
  let offset = 0;
  try {
    while (offset < out.length) offset += writeSync(fd, out, offset, chunkEnd(out, offset, chunk) - offset);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return offset;
    // EPIPE and the like: no one reads the log any more. A logger must not take the server down.
  }
  return out.length;
}

/** Where the chunk starting at `offset` ends: whole lines up to `size` bytes, or one longer line alone. */
function chunkEnd(buf: Buffer, offset: number, size: number): number {
  if (buf.length - offset <= size) return buf.length;
  const lastNewline = buf.lastIndexOf(10, offset + size - 1);
  if (lastNewline >= offset) return lastNewline + 1;
  const nextNewline = buf.indexOf(10, offset + size);
  return nextNewline === -1 ? buf.length : nextNewline + 1;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}
