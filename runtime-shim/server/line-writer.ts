// A buffered writer of log lines to a file descriptor (stdout). One synchronous write per log line
// cost ~40% of a server's throughput (issue 13); here the lines of FLUSH_MS leave together in a few
// write(2)s, or at once past FLUSH_AT bytes, and every line still buffered is written synchronously
// when the process exits or crashes (stdout-writer.ts).
import { writeSync } from 'node:fs';
import { setTimeout } from 'node:timers';

/**
 * Linux's PIPE_BUF: a write to a pipe no larger than this is atomic. Chunks are cut at line ends
 * within it, so lines never interleave with another process's writes to the same pipe (cluster
 * workers share their primary's stdout) and a full non-blocking pipe never takes half a line.
 */
const PIPE_BUF = 4096;
/** Past this many buffered characters, write now rather than after the turn (bounds the batch). */
const FLUSH_AT = 64 * 1024;
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
}

export class LineWriter {
  /** Lines not yet encoded. */
  private pending = '';
  /** Encoded bytes a full pipe did not take yet; they go before `pending`. */
  private unwritten: Buffer | undefined;
  private scheduled = false;
  private retrying = false;
  private readonly maxBuffered: number;

  constructor(readonly fd: number, options: LineWriterOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 16 * 1024 * 1024;
  }

  /** Buffers `text` (whole lines, each ending in '\n'). */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_AT) this.flush();
    else if (!this.scheduled && !this.retrying) {
      this.scheduled = true;
      // unref: a pending flush does not keep a process alive; the exit hook writes what is left.
      setTimeout(this.onTimer, FLUSH_MS).unref();
    }
  }

  private readonly onTimer = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /** Writes what the descriptor takes now; what a full pipe refuses is retried on a timer. */
  flush(): void {
    if (this.retrying) {
      if (this.buffered() > this.maxBuffered) this.flushSync();
      return;
    }
    if (!this.drain()) return;
    if (this.buffered() > this.maxBuffered) return this.flushSync();
    this.retrying = true;
    setTimeout(() => {
      this.retrying = false;
      this.flush();
    }, FLUSH_MS).unref();
  }

  /** Writes everything, waiting for a full pipe to drain (at exit, and past maxBuffered). */
  flushSync(): void {
    while (this.drain()) sleep(1);
  }

  private buffered(): number {
    return this.pending.length + (this.unwritten?.length ?? 0);
  }

  /** Writes until all is out (false) or the descriptor would block (true: the rest stays in `unwritten`). */
  private drain(): boolean {
    if (this.pending !== '') {
      const bytes = Buffer.from(this.pending);
      this.pending = '';
      this.unwritten = this.unwritten ? Buffer.concat([this.unwritten, bytes]) : bytes;
    }
    const buf = this.unwritten;
    if (buf === undefined) return false;
    let offset = 0;
    try {
      while (offset < buf.length) offset += writeSync(this.fd, buf, offset, chunkEnd(buf, offset) - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        this.unwritten = buf.subarray(offset);
        return true;
      }
      // EPIPE and the like: no one reads the log any more. A logger must not take the server down.
    }
    this.unwritten = undefined;
    return false;
  }
}

/** Where the chunk starting at `offset` ends: whole lines up to PIPE_BUF bytes, or one longer line alone. */
function chunkEnd(buf: Buffer, offset: number): number {
  if (buf.length - offset <= PIPE_BUF) return buf.length;
  const lastNewline = buf.lastIndexOf(10, offset + PIPE_BUF - 1);
  if (lastNewline >= offset) return lastNewline + 1;
  const nextNewline = buf.indexOf(10, offset + PIPE_BUF);
  return nextNewline === -1 ? buf.length : nextNewline + 1;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}
