// OTEL_TRACES_SAMPLER's samplers (the OpenTelemetry specification's built-ins), as one function:
// is a new span with this parent and trace id recorded and exported?
import type { SpanContext } from '@opentelemetry/api';
import type { SamplerName } from './settings.js';

const SAMPLED = 1;

export type Sample = (parent: SpanContext | undefined, traceId: string) => boolean;

export function samplerFor(name: SamplerName, ratio: number): Sample {
  const byRatio = ratioSampler(ratio);
  switch (name) {
    case 'always_on': return () => true;
    case 'always_off': return () => false;
    case 'traceidratio': return (_parent, traceId) => byRatio(traceId);
    // Parent-based: a span with a parent follows the parent's sampled flag; a root asks the named one.
    case 'parentbased_always_off': return (parent) => parent !== undefined && (parent.traceFlags & SAMPLED) === SAMPLED;
    case 'parentbased_traceidratio': return (parent, traceId) => (parent === undefined ? byRatio(traceId) : (parent.traceFlags & SAMPLED) === SAMPLED);
    default: return (parent) => parent === undefined || (parent.traceFlags & SAMPLED) === SAMPLED;
  }
}

/** The SDK's TraceIdRatioBased rule (the trace id's 4 words xor-ed, under ratio × 2^32), so every service of a trace decides alike. */
function ratioSampler(ratio: number): (traceId: string) => boolean {
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  const bound = Math.floor(ratio * 0xffffffff);
  return (traceId) => {
    let acc = 0;
    for (let i = 0; i < 32; i += 8) acc = (acc ^ parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
    return acc < bound;
  };
}
