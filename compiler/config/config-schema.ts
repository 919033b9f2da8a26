// JSON Schema of gati.config, key for key the GatiConfig type in runtime-shim/config.ts.
// Validated with AJV in strict mode: an unknown key is GATI4001, a wrong value GATI4002.
const bumpLevel = { enum: ['major', 'minor', 'patch'] };
const positiveInt = { type: 'integer', minimum: 1 };
const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' };
const dnsName = { type: 'string', pattern: '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$' };
const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const percent = { type: 'integer', minimum: 1, maximum: 100 };
const quantities = { type: 'object', properties: { cpu: { type: 'string', pattern: '^([0-9]+m|[0-9]+(\\.[0-9]{1,3})?)$' }, memory: { type: 'string', pattern: '^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$' } }, additionalProperties: false };
const replicas = { type: 'object', properties: { min: positiveInt, max: positiveInt }, additionalProperties: false };
const resources = { type: 'object', properties: { requests: quantities, limits: quantities }, additionalProperties: false };
const isoDate = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$' };
const effectsBackend = { enum: ['sqlite', 'redis', 'sqs', 'pubsub', 'azure-queue'] };
const sqsQueue = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$' };
const dynamoTable = { type: 'string', pattern: '^[A-Za-z0-9_.-]{3,255}$' };
const redisUrl = { type: 'string', pattern: '^rediss?://' };
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
    maxErrors: positiveInt,
    maxDepth: { type: 'integer', minimum: 1, maximum: 1000 },
  }),
  versioning: closed({
    requireVersion: { type: 'boolean' },
    initialVersion: { type: 'string', pattern: '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$' },
    rules: { type: 'object', additionalProperties: bumpLevel },
    deprecated: {
      type: 'object',
      propertyNames: { type: 'string', pattern: '^v?(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*)){0,2}$' },
      additionalProperties: closed({ since: isoDate, sunset: isoDate }),
    },
  }),
  effects: closed({
    backend: effectsBackend,
    path: { type: 'string', minLength: 1 },
    url: redisUrl,
    // SQS queue names: letters, digits, - and _, up to 80; DynamoDB table names: also '.', 3 to 255
    // (Pub/Sub and Azure Queue Storage narrow these further: see checkDeployConfig).
    queue: sqsQueue,
    table: dynamoTable,
    concurrency: positiveInt,
  }),
  // The source keys (npm, http, container) are checked by check-modules.ts, which names an
  // unknown one as a source kind (GATI4030) rather than as an unknown key.
  modules: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        npm: { type: 'string', minLength: 1 },
        http: { type: 'string' },
        container: { type: 'object' },
        interface: { type: 'string', minLength: 1 },
        dev: closed({ command: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } }, { required: ['command'] }),
        timeoutMs: positiveInt,
      },
    },
  },
  sdk: closed({ packageName: { type: 'string', pattern: '^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$' } }),
  ws: closed({
    maxMessageBytes: { type: 'integer', minimum: 1 },
    maxBufferedBytes: { type: 'integer', minimum: 1 },
    pingIntervalMs: { type: 'integer', minimum: 0 },
    redis: { type: 'string', pattern: '^(rediss?://.*)?$' },
  }),
  runtime: { enum: ['node', 'bun', 'deno'] },
  control: closed({
    enabled: { type: 'boolean' },
    store: { enum: ['sqlite', 'redis'] },
    path: { type: 'string', minLength: 1 },
    url: redisUrl,
    trustedProxies: { type: 'array', items: { type: 'string', minLength: 1 } },
    buffers: closed({ traces: positiveInt, traceBytes: positiveInt, logLines: positiveInt, logBytes: positiveInt }),
    loki: closed({ url: { type: 'string', pattern: '^https?://' }, query: { type: 'string', minLength: 1 } }),
    prometheus: closed({ url: { type: 'string', pattern: '^https?://' }, selector: { type: 'string', minLength: 1 } }),
  }),
  deploy: {
    type: 'object',
    propertyNames: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' },
    additionalProperties: closed(
      {
        provider: { enum: ['aws', 'gcp', 'azure', 'kubernetes', 'custom'] },
        regions: { type: 'array', items: dnsLabel, minItems: 1, uniqueItems: true },
        domain: { type: 'string', pattern: '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$' },
        // `{region}` is replaced by the region: regions sharing a cluster keep apart.
        namespace: { type: 'string', pattern: '^([a-z0-9-]|\\{region\\})+$', maxLength: 63 },
        kubeContext: { type: 'string', minLength: 1 },
        image: closed({ repository: { type: 'string', pattern: '^[a-z0-9][a-z0-9._/:-]*$' }, tag: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' } }),
        replicas,
        resources,
        cpuTarget: percent,
        split: { enum: ['none', 'domain'] },
        workers: closed({ enabled: { type: 'boolean' }, replicas, resources, cpuTarget: percent }),
        effects: closed({ backend: effectsBackend, url: redisUrl, queue: sqsQueue, table: dynamoTable, concurrency: positiveInt }),
        env: { type: 'object', additionalProperties: { type: 'string' }, propertyNames: envName },
        control: closed({ enabled: { type: 'boolean' } }),
        secrets: { type: 'object', additionalProperties: closed({ secret: dnsName, key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$' } }, { required: ['secret', 'key'] }), propertyNames: envName },
        tls: closed({ email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' }, staging: { type: 'boolean' }, dns01: { type: 'object', minProperties: 1 } }),
        ingressClass: dnsName,
        observability: closed({ serviceMonitor: { type: 'boolean' }, otlpEndpoint: { type: 'string', pattern: '^https?://[^\\s]+$' } }),
        aws: closed(
          {
            hostedZoneId: { type: 'string', pattern: '^Z[A-Z0-9]{1,31}$' },
            hostedZoneName: { type: 'string', minLength: 1 },
            accountId: { type: 'string', pattern: '^[0-9]{12}$' },
            oidcIssuers: { type: 'object', propertyNames: dnsLabel, additionalProperties: { type: 'string', pattern: '^oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[A-Za-z0-9]+$' } },
          },
          { required: ['hostedZoneId'] },
        ),
        gcp: closed({ project: { type: 'string', pattern: '^[a-z][a-z0-9-]{4,28}[a-z0-9]$' } }, { required: ['project'] }),
        azure: closed(
          {
            resourceGroup: { type: 'string', pattern: '^[-\\w._()]{1,90}$' },
            identity: closed({ name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$' }, clientId: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } }, { required: ['name', 'clientId'] }),
            oidcIssuers: { type: 'object', propertyNames: dnsLabel, additionalProperties: { type: 'string', pattern: '^https://' } },
          },
          { required: ['resourceGroup'] },
        ),
        ci: { enum: ['github-actions'] },
        gitops: { enum: ['argocd'] },
        argocd: closed({ repoURL: { type: 'string', minLength: 1 }, revision: { type: 'string', minLength: 1 }, project: dnsName }, { required: ['repoURL'] }),
        custom: closed({ deployScript: { type: 'string', minLength: 1 }, cdnScript: { type: 'string', minLength: 1 } }, { required: ['deployScript'] }),
      },
      { required: ['provider'] },
    ),
  },
});
