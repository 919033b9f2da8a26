// Tracing for this process: started once (server/start.ts) from the standard OpenTelemetry
// variables, or for the control panel alone (local-spans.ts: spans kept in the process), or off. Off is the default: nothing of OpenTelemetry is loaded, `activeTracing()` is
// undefined and each hook in the request path is one check of that.
import type { Logger } from '../types.js';
import { setLogTraceFields } from '../server/log.js';
import { tracingSettings } from './settings.js';
import { loadTracing, type LoadedTracing } from './sdk.js';
import { localSpans } from './local-spans.js';

export type { GatiTracer, RequestTrace, EffectTrace, TracedExchange } from './tracer.js';

let active: LoadedTracing | undefined;
let started = false;

/**
 * Starts tracing when an OTLP endpoint is set (once per process; later calls return the same).
 * A runtime where the SDK does not load (or any start error) logs one line and leaves tracing off.
 */
export function startTracing(appName: string, log: Logger, env: NodeJS.ProcessEnv = process.env): LoadedTracing | undefined {
  if (started) return active;
  started = true;
  const settings = tracingSettings(env, appName);
  const local = localSpans();
  if (settings === null && local === undefined) return undefined;
  for (const warning of settings?.warnings ?? []) log.warn({}, `tracing: ${warning}`);
  try {
    active = loadTracing(settings, log, env, local);
  } catch (error) {
    log.error({ err: error instanceof Error ? error.message : String(error) }, 'tracing: OpenTelemetry could not be loaded on this runtime; tracing is off');
    return undefined;
  }
  const tracer = active.tracer;
  setLogTraceFields(() => tracer.logFields());
  if (settings) log.info({ endpoint: redactedEndpoint(settings.endpoint), protocol: settings.protocol, serviceName: settings.serviceName, sampler: settings.sampler }, 'tracing: exporting spans over OTLP');
  else log.debug({}, 'tracing: recording spans for the control panel only (no OTLP endpoint is set)');
  return active;
}

/** The tracer when tracing is on, else undefined. */
export function activeTracing(): LoadedTracing['tracer'] | undefined {
  return active?.tracer;
}

/** `lctx.traceId`: the active span's trace id, '' when tracing is off or outside a span. */
export function activeTraceId(): string {
  return active === undefined ? '' : active.tracer.traceId();
}

/** Exports what is buffered and stops (graceful shutdown); a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  const current = active;
  if (!current) return;
  active = undefined;
  started = false;
  setLogTraceFields(undefined);
  await current.shutdown();
}

/** The endpoint for a log line: no user info, no query string (either may hold a secret). */
export function redactedEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}
