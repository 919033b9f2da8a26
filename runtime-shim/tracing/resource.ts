// The resource every exported span names: `service.name` (OTEL_SERVICE_NAME or the app's name), what
// OTEL_RESOURCE_ATTRIBUTES adds, and the telemetry.sdk.* attributes of the semantic conventions.
import type { Attributes } from '@opentelemetry/api';

export function resourceAttributes(serviceName: string, env: NodeJS.ProcessEnv): Attributes {
  return {
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'gati',
    ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': serviceName,
  };
}

/** `key=value,…` with percent-encoded values; a malformed list is ignored whole (as the SDK does). */
export function parseResourceAttributes(raw: string | undefined): Attributes {
  const out: Attributes = {};
  if (!raw?.trim()) return out;
  try {
    for (const pair of raw.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error('no key');
      out[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    }
  } catch {
    return {};
  }
  return out;
}
