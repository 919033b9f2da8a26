// The batch between ended spans and the collector, as OpenTelemetry's BatchSpanProcessor does it:
// spans queue (bounded: OTEL_BSP_MAX_QUEUE_SIZE, the excess dropped and counted), and leave in
// batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE every OTEL_BSP_SCHEDULE_DELAY ms or as soon as a batch
// is full, one export at a time, off the request path (a timer or setImmediate, never the span's end).
// The spans of a batch are encoded as they are added (otlp.ts's PendingBatch), so what waits is
// bytes, not span objects.
import type { RecordedSpan, SpanSink } from './recorder.js';
import type { PendingBatch } from './otlp.js';

export interface BatchSettings {
  scheduleDelayMs: number;
  maxQueueSize: number;
  maxBatchSize: number;
}

/** Sends one export body of `spans` spans; resolves when done (a failure is the sender's to report, and resolves too). */
export type ExportBatch = (body: Buffer | string, spans: number) => Promise<void>;

export function batchSettings(env: NodeJS.ProcessEnv): BatchSettings {
  const int = (name: string, dflt: number, min: number) => {
    const n = Number(env[name]?.trim() || NaN);
    return Number.isInteger(n) && n >= min ? n : dflt;
  };
  const maxQueueSize = int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1);
  return { scheduleDelayMs: int('OTEL_BSP_SCHEDULE_DELAY', 5000, 0), maxQueueSize, maxBatchSize: Math.min(int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1), maxQueueSize) };
}

export class SpanBatch implements SpanSink {
  /** Full batches waiting for their export. */
  private ready: { body: Buffer | string; spans: number }[] = [];
  /** Spans waiting (in `ready` and `pending`), bounded by maxQueueSize. */
  private queued = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private soon = false;
  /** Spans dropped because the queue was full, since the last look (`takeDropped`). */
  private dropped = 0;
  private stopped = false;

  constructor(private readonly settings: BatchSettings, private readonly pending: PendingBatch, private readonly send: ExportBatch) {}

  push(span: RecordedSpan): void {
    if (this.stopped) return;
    if (this.queued >= this.settings.maxQueueSize) {
      this.dropped++;
      return;
    }
    this.pending.add(span);
    this.queued++;
    if (this.pending.size >= this.settings.maxBatchSize) {
      this.seal();
      this.exportSoon();
    } else if (this.timer === undefined) this.schedule();
  }

  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  /** Exports everything queued (in batches), then stops taking spans. */
  async shutdown(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  async flush(): Promise<void> {
    while (this.sending) await this.sending;
    while (this.queued) await this.exportOne();
  }

  private seal(): void {
    const spans = this.pending.size;
    if (spans) this.ready.push({ body: this.pending.seal(), spans });
  }

  private schedule(): void {
    // The timer forgets itself when it fires: if an export is still under way then, the end of that
    // export sees no timer and schedules the next (else the spans queued meanwhile would wait for a
    // full batch).
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.exportSoon();
    }, this.settings.scheduleDelayMs);
    this.timer.unref?.();
  }

  private exportSoon(): void {
    if (this.soon || this.sending) return;
    this.soon = true;
    setImmediate(() => {
      this.soon = false;
      void this.exportOne();
    });
  }

  private exportOne(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sending) return this.sending;
    if (!this.ready.length) this.seal();
    const batch = this.ready.shift();
    if (batch === undefined) return Promise.resolve();
    this.sending = this.send(batch.body, batch.spans).catch(() => {}).finally(() => {
      this.sending = undefined;
      this.queued -= batch.spans;
      // What queued meanwhile: a full batch at once, else on the schedule.
      if (this.ready.length) this.exportSoon();
      else if (this.queued && this.timer === undefined && !this.stopped) this.schedule();
    });
    return this.sending;
  }
}
