// The config page: the effective config (defaults under the app's own values, and the environment
// variables Gati reads), with secrets masked: keys that name a secret, passwords inside URLs, and
// any value that equals a secret-looking environment variable (a config that reads
// `process.env.DATABASE_URL` shows the value, never the secret). And the settings the panel can
// change, each validated by the same rule as the config schema (compiler/config/config-schema.ts;
// test/control-app-data.test.ts holds the two together).
import type { GatiConfig } from '../../config.js';
import { CONFIG_DEFAULTS } from '../../defaults.js';
import type { ConfigInfo } from '../api-types.js';

export const MASK = '••••';

const SECRET_WORD = /secret|passw(or)?d|token|credential|private|apikey|connectionstring|cookie/i;
/** `key`, `api_key`, `accessKey`, but not `unknownKeys`. */
const isSecretKey = (k: string) => SECRET_WORD.test(k) || /(^|[-_])key$/i.test(k) || /[a-z0-9]Key$/.test(k);
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*):([^/@\s]*)@/i;
const SECRET_ENV = /SECRET|PASSW(OR)?D|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY($|_)|_URL$|DSN$/i;

/** Variables Gati itself reads, shown under `environment` when set. */
const GATI_ENV_VARS = ['NODE_ENV', 'PORT', 'HOST', 'LOG_LEVEL', 'ADMIN_PORT', 'GATI_ENV', 'GATI_REGION', 'GATI_VERSION', 'GATI_CONTROL', 'REDIS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME'];

export function maskSecrets(value: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  const secretValues = new Set(Object.entries(env).filter(([k, v]) => SECRET_ENV.test(k) && typeof v === 'string' && v.length >= 4).map(([, v]) => v!));
  const walk = (v: unknown, key: string): unknown => {
    if (isSecretKey(key) && v !== undefined && v !== null && v !== '') return MASK;
    if (typeof v === 'string') {
      if (secretValues.has(v) && !/^(true|false|\d+)$/.test(v)) return MASK;
      return v.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, ''));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value, '');
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function effectiveConfig(config: GatiConfig, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const d = CONFIG_DEFAULTS;
  const defaults = {
    runtime: d.runtime,
    server: { port: d.server.port, host: d.server.host, bodyLimit: d.server.bodyLimit, requestTimeoutMs: d.server.requestTimeoutMs, shutdownTimeoutMs: d.server.shutdownTimeoutMs },
    validation: { ...d.validation },
    versioning: { ...d.versioning },
    effects: { backend: d.effects.backend, concurrency: d.effects.concurrency },
    ws: { ...d.ws },
  };
  const environment = Object.fromEntries(GATI_ENV_VARS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  return maskSecrets({ ...merge(defaults, config as Record<string, unknown>), environment }, env) as Record<string, unknown>;
}

interface Setting {
  path: string;
  type: ConfigInfo['editable'][number]['type'];
  options?: string[];
  description: string;
  /** An error message, or undefined when the value is valid (the schema's rule). */
  check(v: unknown): string | undefined;
}

const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 ? undefined : 'must be an integer of at least 1');
const nonNegativeInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : 'must be an integer of at least 0');
const bool = (v: unknown) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const oneOf = (options: string[]) => (v: unknown) => (typeof v === 'string' && options.includes(v) ? undefined : `must be one of ${options.join(', ')}`);
const byteSize = (v: unknown) => (positiveInt(v) === undefined || (typeof v === 'string' && /^[0-9]+(\.[0-9]+)?\s*(b|kb|mb|gb)?$/.test(v)) ? undefined : "must be a number of bytes or a size such as '256kb'");

/** What the panel may change: request handling and validation limits, effect concurrency, WebSocket limits. */
export const EDITABLE_SETTINGS: readonly Setting[] = [
  { path: 'server.requestTimeoutMs', type: 'number', description: 'A request still running after this many ms is answered 503', check: positiveInt },
  { path: 'server.shutdownTimeoutMs', type: 'number', description: 'How long in-flight requests and jobs get to finish on shutdown (ms)', check: positiveInt },
  { path: 'server.bodyLimit', type: 'string', description: "Largest request body: bytes, or a size such as '256kb'", check: byteSize },
  { path: 'validation.unknownKeys', type: 'enum', options: ['strip', 'reject'], description: 'Keys a type does not declare: dropped (strip) or a 400 (reject)', check: oneOf(['strip', 'reject']) },
  { path: 'validation.responses', type: 'boolean', description: 'Check every response against its declared type', check: bool },
  { path: 'validation.maxErrors', type: 'number', description: 'Validation errors reported per request, at most', check: positiveInt },
  { path: 'versioning.requireVersion', type: 'boolean', description: 'Refuse requests without X-API-Version (400)', check: bool },
  { path: 'effects.concurrency', type: 'number', description: 'Effect jobs run at once per process', check: positiveInt },
  { path: 'ws.maxMessageBytes', type: 'number', description: 'Largest WebSocket message (bytes); larger closes with 1009', check: positiveInt },
  { path: 'ws.pingIntervalMs', type: 'number', description: 'WebSocket heartbeat interval (ms); 0 turns it off', check: nonNegativeInt },
];

const at = (o: Record<string, unknown>, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

export function configInfo(config: GatiConfig, env: NodeJS.ProcessEnv = process.env): ConfigInfo {
  const effective = effectiveConfig(config, env);
  return {
    effective,
    editable: EDITABLE_SETTINGS.map((s) => ({ path: s.path, type: s.type, value: at(effective, s.path), ...(s.options ? { options: s.options } : {}), description: s.description })),
  };
}

/** Errors, each naming its path: an unknown or read-only setting, or a value its rule refuses. */
export function settingErrors(changes: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const [path, value] of Object.entries(changes)) {
    const s = EDITABLE_SETTINGS.find((x) => x.path === path);
    if (!s) errors.push(`${path}: not a setting the panel can change (editable: ${EDITABLE_SETTINGS.map((x) => x.path).join(', ')})`);
    else {
      const problem = s.check(value);
      if (problem) errors.push(`${path}: ${problem}`);
    }
  }
  return errors;
}
