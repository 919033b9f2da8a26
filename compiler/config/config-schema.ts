// JSON Schema of gati.config, key for key the GatiConfig type in runtime-shim/config.ts.
// Validated with AJV in strict mode: an unknown key is GATI4001, a wrong value GATI4002.
const bumpLevel = { enum: ['major', 'minor', 'patch'] };
const positiveInt = { type: 'integer', minimum: 1 };
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, additionalProperties: false, ...extra });

export const CONFIG_SCHEMA = closed({
  name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]*$' },
  server: closed({
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    host: { type: 'string', minLength: 1 },
    bodyLimit: { anyOf: [positiveInt, { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?\\s*(b|kb|mb|gb)?$' }] },
    requestTimeoutMs: positiveInt,
    shutdownTimeoutMs: positiveInt,
  }),
  validation: closed({
    unknownKeys: { enum: ['strip', 'reject'] },
    responses: { type: 'boolean' },
  }),
  versioning: closed({
    requireVersion: { type: 'boolean' },
    initialVersion: { type: 'string', pattern: '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$' },
    rules: { type: 'object', additionalProperties: bumpLevel },
  }),
  effects: closed({
    backend: { enum: ['sqlite', 'redis'] },
    path: { type: 'string', minLength: 1 },
    url: { type: 'string', pattern: '^rediss?://' },
    concurrency: positiveInt,
  }),
  modules: {
    type: 'object',
    additionalProperties: closed(
      { package: { type: 'string', minLength: 1 }, url: { type: 'string', pattern: '^https?://' }, image: { type: 'string', minLength: 1 }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
      { minProperties: 1 },
    ),
  },
  sdk: closed({ packageName: { type: 'string', pattern: '^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$' } }),
  runtime: { enum: ['node', 'bun', 'deno'] },
  deploy: { type: 'object', additionalProperties: { type: 'object' } },
});
