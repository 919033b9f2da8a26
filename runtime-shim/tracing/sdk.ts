// Builds this process's tracer when tracing is configured (settings.ts): @opentelemetry/api (the only
// OpenTelemetry package loaded), Gati's span recorder (recorder.ts) as the global tracer provider, the
// sampler of OTEL_TRACES_SAMPLER, the batch (batch.ts) in front of the OTLP/HTTP sender of the
// configured protocol, and the AsyncLocalStorage context manager. With the control panel on, its
// buffer (local-spans.ts) takes the ended spans too; without an OTLP endpoint it is their only sink,
// and the panel decides which requests are recorded (`lean`: the rest cost one check each).
import type * as Api from '@opentelemetry/api';
import type { Logger } from '../types.js';
import { requireDependency } from '../dependency.js';
import { AlsContextManager } from './context-manager.js';
import { GatiTracer } from './tracer.js';
import { GATI_SCOPE, RecorderProvider } from './recorder.js';
import { samplerFor } from './sampler.js';
import { SpanBatch, batchSettings } from './batch.js';
import { JsonBatch, ProtobufBatch } from './otlp.js';
import { otlpSender, otlpTarget } from './otlp-http.js';
import { resourceAttributes } from './resource.js';
import type { TracingSettings } from './settings.js';
import { teeSinks, type LocalSpans } from './local-spans.js';
import type { SpanSink } from './recorder.js';

export interface LoadedTracing {
  tracer: GatiTracer;
  /** Exports what is buffered, then stops. */
  shutdown(): Promise<void>;
}

/** At most one warning about failed exports per this many milliseconds. */
const WARN_EVERY_MS = 60_000;

export function loadTracing(settings: TracingSettings | null, log: Logger, env: NodeJS.ProcessEnv = process.env, local?: LocalSpans): LoadedTracing {
  const api = requireDependency<typeof Api>('@opentelemetry/api');
  let batch: SpanBatch | undefined;
  let sink: SpanSink;
  if (settings !== null) {
    const resource = resourceAttributes(settings.serviceName, env);
    const json = settings.protocol === 'http/json';
    const send = otlpSender(otlpTarget(settings.endpoint, env), json ? 'application/json' : 'application/x-protobuf');
    const warn = failureWarning(log);
    const pending = json ? new JsonBatch(resource) : new ProtobufBatch(resource);
    const exporting: SpanBatch = new SpanBatch(batchSettings(env), pending, (body, spans) =>
      send(body).catch((error: unknown) => warn(error, spans + exporting.takeDropped())));
    batch = exporting;
    sink = local ? teeSinks(exporting, local.sink) : exporting;
  } else if (local) sink = local.sink;
  else throw new Error('tracing: neither an OTLP endpoint nor a local sink');
  // Only the panel (lean): a request it admitted is recorded whole, a span outside one only while a
  // client watches (GatiTracer checks that before asking the sampler).
  const sample = settings !== null ? samplerFor(settings.sampler, settings.ratio) : samplerFor('parentbased_always_on', 1);
  const provider = new RecorderProvider({ trace: api.trace, context: api.context }, sample, sink);
  const contexts = new AlsContextManager(api.ROOT_CONTEXT);
  // Global too, so the app's own @opentelemetry/api spans nest under Gati's (same API major version).
  api.context.setGlobalContextManager(contexts);
  api.trace.setGlobalTracerProvider(provider);
  const tracer = new GatiTracer({ trace: api.trace, createTraceState: api.createTraceState, ROOT_CONTEXT: api.ROOT_CONTEXT }, provider.getTracer(GATI_SCOPE), contexts, settings === null ? local : undefined);
  return {
    tracer,
    shutdown: async () => {
      try {
        await batch?.shutdown();
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'tracing: flushing spans at shutdown failed');
      }
      api.trace.disable();
      api.context.disable();
    },
  };
}

/**
 * A failed export as one warning a minute at most (the batch is dropped, requests never see it). The
 * line names the error, never the request headers (they may hold a token).
 */
function failureWarning(log: Logger): (error: unknown, lost: number) => void {
  let lastWarning = -Infinity;
  let dropped = 0;
  return (error, lost) => {
    dropped += lost;
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    const message = error instanceof Error ? error.message.split('\n', 1)[0]!.slice(0, 200) : 'unknown error';
    log.warn({ err: message, droppedSpans: dropped }, 'tracing: exporting spans failed; they are dropped (this warning repeats at most once a minute)');
    dropped = 0;
  };
}
