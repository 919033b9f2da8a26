// What the standard OpenTelemetry variables ask for, read without loading OpenTelemetry: with no
// OTLP endpoint set, tracing is off and nothing of OpenTelemetry is ever loaded.

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export interface TracingSettings {
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`). */
  endpoint: string;
  protocol: OtlpProtocol;
  serviceName: string;
  sampler: SamplerName;
  /** The ratio of the ratio samplers (`OTEL_TRACES_SAMPLER_ARG`, 0..1, default 1). */
  ratio: number;
  /** What the settings could not honour (an unknown sampler, gRPC), each logged once at start. */
  warnings: string[];
}

const SAMPLERS: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/** The settings, or null when no OTLP endpoint is set (tracing off). */
export function tracingSettings(env: NodeJS.ProcessEnv, appName: string): TracingSettings | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!traces && !base) return null;
  // OTEL_SDK_DISABLED=true turns the SDK off whatever else is set (the specification's switch).
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const warnings: string[] = [];
  const endpoint = traces || `${base!.replace(/\/+$/, '')}/v1/traces`;
  const rawProtocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  let protocol: OtlpProtocol = 'http/protobuf';
  if (rawProtocol === 'http/json') protocol = 'http/json';
  else if (rawProtocol !== 'http/protobuf') warnings.push(`OTEL_EXPORTER_OTLP_PROTOCOL '${rawProtocol}' is not supported (http/protobuf or http/json); exporting with http/protobuf`);
  const rawSampler = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  let sampler: SamplerName = 'parentbased_always_on';
  if ((SAMPLERS as readonly string[]).includes(rawSampler)) sampler = rawSampler as SamplerName;
  else warnings.push(`OTEL_TRACES_SAMPLER '${rawSampler}' is not supported (${SAMPLERS.join(', ')}); sampling with parentbased_always_on`);
  let ratio = 1;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (arg && sampler.endsWith('traceidratio')) {
    const n = Number(arg);
    if (Number.isFinite(n) && n >= 0 && n <= 1) ratio = n;
    else warnings.push(`OTEL_TRACES_SAMPLER_ARG '${arg}' is not a ratio between 0 and 1; sampling every trace`);
  }
  return { endpoint, protocol, serviceName: env.OTEL_SERVICE_NAME?.trim() || appName, sampler, ratio, warnings };
}
