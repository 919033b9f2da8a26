// Loads the OpenTelemetry SDK (only when tracing is configured: settings.ts) and builds this
// process's tracer: a BatchSpanProcessor (export happens off the request path, in batches) in front
// of the OTLP/HTTP exporter of the configured protocol, the sampler of OTEL_TRACES_SAMPLER, and the
// AsyncLocalStorage context manager.
import type * as Api from '@opentelemetry/api';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type * as Resources from '@opentelemetry/resources';
import type { ExportResult } from '@opentelemetry/core';
import type { Logger } from '../types.js';
import { requireDependency } from '../dependency.js';
import { AlsContextManager } from './context-manager.js';
import { GatiTracer } from './tracer.js';
import type { TracingSettings } from './settings.js';

type SpanExporter = SdkTraceBase.SpanExporter;

export interface LoadedTracing {
  tracer: GatiTracer;
  /** Exports what is buffered, then stops the exporter. */
  shutdown(): Promise<void>;
}

/** At most one warning about failed exports per this many milliseconds. */
const WARN_EVERY_MS = 60_000;

export function loadTracing(settings: TracingSettings, log: Logger): LoadedTracing {
  const api = requireDependency<typeof Api>('@opentelemetry/api');
  const sdk = requireDependency<typeof SdkTraceBase>('@opentelemetry/sdk-trace-base');
  const resources = requireDependency<typeof Resources>('@opentelemetry/resources');
  const { OTLPTraceExporter } = settings.protocol === 'http/json'
    ? requireDependency<{ OTLPTraceExporter: new (config: { url: string }) => SpanExporter }>('@opentelemetry/exporter-trace-otlp-http')
    : requireDependency<{ OTLPTraceExporter: new (config: { url: string }) => SpanExporter }>('@opentelemetry/exporter-trace-otlp-proto');
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)HEADERS and _TIMEOUT itself; the URL is settled here.
  const exporter = warningExporter(new OTLPTraceExporter({ url: settings.endpoint }), log);
  const resource = resources.defaultResource()
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(resources.resourceFromAttributes({ 'service.name': settings.serviceName }));
  const provider = new sdk.BasicTracerProvider({ resource, sampler: samplerOf(sdk, settings), spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  const contexts = new AlsContextManager(api.ROOT_CONTEXT);
  // Global too, so the app's own @opentelemetry/api spans nest under Gati's (same API major version).
  api.context.setGlobalContextManager(contexts);
  api.trace.setGlobalTracerProvider(provider);
  const tracer = new GatiTracer({ trace: api.trace, createTraceState: api.createTraceState, ROOT_CONTEXT: api.ROOT_CONTEXT }, provider.getTracer('gati'), contexts);
  return {
    tracer,
    shutdown: async () => {
      try {
        await provider.shutdown();
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'tracing: flushing spans at shutdown failed');
      }
      api.trace.disable();
      api.context.disable();
    },
  };
}

function samplerOf(sdk: typeof SdkTraceBase, settings: TracingSettings): SdkTraceBase.Sampler {
  const ratio = () => new sdk.TraceIdRatioBasedSampler(settings.ratio);
  switch (settings.sampler) {
    case 'always_on': return new sdk.AlwaysOnSampler();
    case 'always_off': return new sdk.AlwaysOffSampler();
    case 'traceidratio': return ratio();
    case 'parentbased_always_off': return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new sdk.ParentBasedSampler({ root: ratio() });
    default: return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}

/**
 * The exporter, with its failures turned into one warning a minute at most (the batch is dropped,
 * requests never see it). The line names the error, never the request headers (they may hold a token).
 */
function warningExporter(inner: SpanExporter, log: Logger): SpanExporter {
  let lastWarning = -Infinity;
  let dropped = 0;
  return {
    export(spans, done) {
      inner.export(spans, (result: ExportResult) => {
        if (result.code !== 0) {
          dropped += spans.length;
          const now = Date.now();
          if (now - lastWarning >= WARN_EVERY_MS) {
            lastWarning = now;
            const message = result.error ? result.error.message.split('\n', 1)[0]!.slice(0, 200) : 'unknown error';
            log.warn({ err: message, droppedSpans: dropped }, 'tracing: exporting spans failed; they are dropped (this warning repeats at most once a minute)');
            dropped = 0;
          }
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
