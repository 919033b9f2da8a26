// The control panel's live data in this process: the recent log lines (a tee of the logger), the
// recent traces (a sink of the span recorder), the metrics history, and who is watching. One per
// process, on globalThis (`gati dev` loads each build's bundled runtime beside its own). Started
// when the panel is mounted, before tracing starts (server/start.ts, bin/commands/dev.ts); with the
// panel off nothing here exists and the logger and tracer pay one undefined check.
import type { LogLine, TraceSummary } from '../api-types.js';
import { setLinesTee } from '../../server/line-writer.js';
import { setLocalSpans, type LocalSpans, type MissedRequest } from '../../tracing/local-spans.js';
import { newSpanId, newTraceId } from '../../tracing/ids.js';
import { activeMetrics } from '../../metrics/registry.js';
import { CONFIG_DEFAULTS, CONTROL_TRACE_DEFAULTS } from '../../defaults.js';
import type { GatiConfig } from '../../config.js';
import { LogBuffer } from './log-buffer.js';
import { TraceBuffer } from './trace-buffer.js';
import { MetricsHistory } from './metrics-window.js';
import { IdleSampler } from './idle-sampler.js';
import { summarize, type StoredTrace } from './views.js';

export interface BufferSizes {
  traces: number;
  traceBytes: number;
  logLines: number;
  logBytes: number;
}

/** A process's part of the Overview (api-types.ts Instance), minus what is read at the time. */
export interface ProcessInfo {
  role: 'all' | 'api' | 'worker' | 'primary';
  ready: () => boolean;
}

/** How long a stream's interest lasts without being renewed (a cluster worker's stream renews it every second). */
const WATCH_LEASE_MS = 5_000;
/** Log and trace events leave at most this often (a batch each time), never from the logger's call. */
const FLUSH_MS = 100;

export class Telemetry {
  readonly logs: LogBuffer;
  readonly traces: TraceBuffer;
  readonly metrics = new MetricsHistory(activeMetrics);
  readonly sampler = new IdleSampler(CONTROL_TRACE_DEFAULTS.idlePerPath, CONTROL_TRACE_DEFAULTS.idlePerSecond);
  readonly startedAt = Date.now();
  process: ProcessInfo = { role: 'all', ready: () => true };
  private readonly logListeners = new Set<(lines: LogLine[]) => void>();
  private readonly traceListeners = new Set<(traces: TraceSummary[]) => void>();
  private localWatchers = 0;
  private leaseUntil = 0;
  private leaseTimer: ReturnType<typeof setTimeout> | undefined;
  private flushedSeq = 0;
  private endedRoots = new Set<StoredTrace>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(sizes: BufferSizes) {
    this.logs = new LogBuffer(sizes.logLines, sizes.logBytes);
    this.traces = new TraceBuffer(sizes.traces, sizes.traceBytes);
    this.traces.onRoot = (trace) => {
      if (this.traceListeners.size === 0) return;
      this.endedRoots.add(trace);
      this.scheduleFlush();
    };
  }

  /** The log writer's tee: the lines of each flush, as written. */
  readonly tee = (lines: Buffer): void => {
    this.logs.pushLines(lines);
    if (this.logListeners.size !== 0) this.scheduleFlush();
  };

  readonly localSpans: LocalSpans = {
    sink: undefined as never,
    admit: (_method, path) => this.sampler.admit(path),
    watching: () => this.sampler.watching,
    slowMs: CONTROL_TRACE_DEFAULTS.slowMs,
    missed: (request: MissedRequest) => this.traces.pushMissed(request, newTraceId(), newSpanId()),
  };

  /** New log lines (batched), until the returned function is called. */
  onLogs(listener: (lines: LogLine[]) => void): () => void {
    if (this.logListeners.size === 0) this.flushedSeq = this.logs.nextSeq - 1;
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Traces whose root ended (batched); the caller watches: every request is recorded until it stops. */
  onTraces(listener: (traces: TraceSummary[]) => void): () => void {
    this.traceListeners.add(listener);
    this.localWatchers++;
    this.updateWatching();
    return () => {
      if (!this.traceListeners.delete(listener)) return;
      this.localWatchers--;
      this.updateWatching();
    };
  }

  /** A stream on another process of the cluster watches: record every request for a while. */
  watchFor(ms = WATCH_LEASE_MS): void {
    this.leaseUntil = Date.now() + ms;
    this.updateWatching();
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = setTimeout(() => this.updateWatching(), ms + 10);
    this.leaseTimer.unref?.();
  }

  private updateWatching(): void {
    this.sampler.watching = this.localWatchers > 0 || Date.now() < this.leaseUntil;
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref?.();
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.logListeners.size && this.logs.nextSeq - 1 > this.flushedSeq) {
      const lines = this.logs.query({ after: this.flushedSeq, limit: 5_000 });
      this.flushedSeq = this.logs.nextSeq - 1;
      if (lines.length) for (const listener of this.logListeners) listener(lines);
    }
    if (this.endedRoots.size) {
      const traces = [...this.endedRoots].filter((t) => t.root !== undefined).map(summarize);
      this.endedRoots = new Set();
      if (traces.length) for (const listener of this.traceListeners) listener(traces);
    }
  }
}

const KEY = Symbol.for('gati.control.telemetry');
type Holder = { [KEY]?: Telemetry };

/** The panel's telemetry in this process, when the panel is mounted. */
export function controlTelemetry(): Telemetry | undefined {
  return (globalThis as Holder)[KEY];
}

/**
 * Starts the buffers and hooks them into the logger and the span recorder (idempotent). Call it
 * before tracing starts (prepareApp), so that tracing records for the panel even without OTLP.
 */
export function startControlTelemetry(config?: GatiConfig): Telemetry {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing) return existing;
  const telemetry = new Telemetry(bufferSizes(config));
  (telemetry.localSpans as { sink: LocalSpans['sink'] }).sink = telemetry.traces;
  holder[KEY] = telemetry;
  setLinesTee(telemetry.tee);
  setLocalSpans(telemetry.localSpans);
  telemetry.metrics.start();
  telemetry.sampler.start();
  return telemetry;
}

/** Unhooks and drops the buffers (tests; a stopped server). */
export function stopControlTelemetry(): void {
  const holder = globalThis as Holder;
  holder[KEY]?.metrics.stop();
  holder[KEY]?.sampler.stop();
  holder[KEY] = undefined;
  setLinesTee(undefined);
  setLocalSpans(undefined);
}

export function bufferSizes(config: GatiConfig | undefined): BufferSizes {
  const defaults = CONFIG_DEFAULTS.control.buffers;
  const given = config?.control?.buffers ?? {};
  const pick = (n: number | undefined, d: number) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : d);
  return { traces: pick(given.traces, defaults.traces), traceBytes: pick(given.traceBytes, defaults.traceBytes), logLines: pick(given.logLines, defaults.logLines), logBytes: pick(given.logBytes, defaults.logBytes) };
}
