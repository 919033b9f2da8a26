// The batch between ended spans and the collector, as OpenTelemetry's BatchSpanProcessor does it:
// spans queue (bounded: OTEL_BSP_MAX_QUEUE_SIZE, the excess dropped and counted), and leave in
// batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE every OTEL_BSP_SCHEDULE_DELAY ms or as soon as a batch
// is full, one export at a time, off the request path (a timer or setImmediate, never the span's end).
import type { RecordedSpan, SpanSink } from './recorder.js';

export interface BatchSettings {
  scheduleDelayMs: number;
  maxQueueSize: number;
  maxBatchSize: number;
}

/** Sends one batch; resolves when it is done (a failure is the exporter's to report, and resolves too). */
export type ExportBatch = (spans: RecordedSpan[]) => Promise<void>;

export function batchSettings(env: NodeJS.ProcessEnv): BatchSettings {
  const int = (name: string, dflt: number, min: number) => {
    const n = Number(env[name]?.trim() || NaN);
    return Number.isInteger(n) && n >= min ? n : dflt;
  };
  const maxQueueSize = int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, 1);
  return { scheduleDelayMs: int('OTEL_BSP_SCHEDULE_DELAY', 5000, 0), maxQueueSize, maxBatchSize: Math.min(int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, 1), maxQueueSize) };
}

export class SpanBatch implements SpanSink {
  private queue: RecordedSpan[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private soon = false;
  /** Spans dropped because the queue was full, since the last look (`takeDropped`). */
  private dropped = 0;
  private stopped = false;

  constructor(private readonly settings: BatchSettings, private readonly send: ExportBatch) {}

  push(span: RecordedSpan): void {
    if (this.stopped) return;
    if (this.queue.length >= this.settings.maxQueueSize) {
      this.dropped++;
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.settings.maxBatchSize) this.exportSoon();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.exportSoon(), this.settings.scheduleDelayMs);
      this.timer.unref?.();
    }
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
    while (this.queue.length) await this.exportOne();
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
    if (this.sending || !this.queue.length) return this.sending ?? Promise.resolve();
    const batch = this.queue.length <= this.settings.maxBatchSize ? this.queue : this.queue.splice(0, this.settings.maxBatchSize);
    if (batch === this.queue) this.queue = [];
    this.sending = this.send(batch).catch(() => {}).finally(() => {
      this.sending = undefined;
      // What queued meanwhile: a full batch at once, else on the schedule.
      if (this.queue.length >= this.settings.maxBatchSize) this.exportSoon();
      else if (this.queue.length && this.timer === undefined && !this.stopped) {
        this.timer = setTimeout(() => this.exportSoon(), this.settings.scheduleDelayMs);
        this.timer.unref?.();
      }
    });
    return this.sending;
  }
}
