// Every configuration default, defined once. The runtime reads them (it is bundled into each app
// and may import only runtime-shim/), and so do the compiler, the emitters and the CLI, which may
// import the runtime: a default changed here changes everywhere at once.
//
// CONFIG_DEFAULTS mirrors gati.config (runtime-shim/config.ts) key for key; test/defaults.test.ts
// reads docs/configuration.md and fails when a default written there differs from the one here.
// The other exports are defaults of the process and of effects, checked against docs/cli.md and
// docs/effects.md the same way.

export const CONFIG_DEFAULTS = {
  /** The engine `gati build` targets. */
  runtime: 'node' as const,
  server: {
    port: 3000,
    /** `gati start` and `node dist/server.mjs` bind every interface (a container's port is published). */
    host: '0.0.0.0',
    /** `gati dev` binds loopback only: a development server is not for the network. */
    devHost: '127.0.0.1',
    /** 1 MiB. */
    bodyLimit: 1024 * 1024,
    requestTimeoutMs: 30_000,
    shutdownTimeoutMs: 10_000,
  },
  validation: {
    unknownKeys: 'strip' as const,
    /** Deeper than any real payload, far from any stack limit. */
    maxDepth: 64,
    maxErrors: 10,
  },
  versioning: {
    requireVersion: false,
    initialVersion: '1.0.0',
  },
  effects: {
    backend: 'sqlite' as const,
    /** Relative to the app root. */
    path: '.gati/data/effects.db',
    /** Key prefix of the redis backend (the URL's `?prefix=`). */
    redisPrefix: 'gati',
    queue: 'gati-effects',
    table: 'gati-effects',
    /** The azure-queue backend's table: Azure table names are letters and digits only. */
    azureTable: 'gatieffects',
    concurrency: 4,
  },
  ws: {
    /** 1 MiB. */
    maxMessageBytes: 1024 * 1024,
    /** 4 MiB. */
    maxBufferedBytes: 4 * 1024 * 1024,
    /** 30 s: under every cloud edge's idle timeout (Azure Front Door's 5 minutes is the shortest). */
    pingIntervalMs: 30_000,
  },
  control: {
    enabled: false,
    store: 'sqlite' as const,
    /** Relative to the app root. */
    path: '.gati/control.db',
    trustedProxies: [] as string[],
    /** The panel's in-process buffers: 12 MiB of traces and 8 MiB of log lines, 20 MiB in all. */
    buffers: { traces: 2000, traceBytes: 12 * 1024 * 1024, logLines: 20_000, logBytes: 8 * 1024 * 1024 },
  },
  modules: {
    /** The port of a module's container. */
    port: 8080,
    /** A call to an HTTP or container module without an answer after this long fails with 504. */
    timeoutMs: 10_000,
  },
  deploy: {
    regions: ['default'],
    /** Two at least: one pod may restart while another serves. */
    replicas: { min: 2, max: 10 },
    cpuTarget: 70,
    resources: {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
    split: 'none' as const,
    workers: { replicas: { min: 1, max: 5 } },
    ingressClass: { aws: 'alb', gcp: 'gce', azure: 'nginx', kubernetes: 'nginx', custom: 'nginx' },
    argocd: { revision: 'HEAD', project: 'default' },
  },
};

/** Defaults of the process, not of the app (docs/cli.md). */
export const PROCESS_DEFAULTS = {
  /** `LOG_LEVEL` when unset. */
  logLevel: 'info' as const,
  /** `--workers` when not given: one server process, no node:cluster. */
  workers: 1,
  /** `--admin-port` / ADMIN_PORT when not given: where `GET /metrics` is served (Prometheus' registered port for exporters using OpenTelemetry). */
  adminPort: 9464,
};

/** The control panel's trace sampling without an OTLP endpoint, not config keys (docs/control-panel.md). */
export const CONTROL_TRACE_DEFAULTS = {
  /** Nobody watching: requests recorded per second and path, and in all. */
  idlePerPath: 2,
  idlePerSecond: 20,
  /** A request not recorded that took this long (or answered 5xx) is kept as a one-span trace. */
  slowMs: 500,
};

/** Defaults of effects that are not config keys (docs/effects.md). */
export const EFFECT_DEFAULTS = {
  /** An effect without `export const retry`. */
  retry: { attempts: 3, backoff: 'exponential' as 'fixed' | 'exponential', delayMs: 1000 },
  /** A claimed job's lease, renewed while it runs; when it runs out another worker claims the job. */
  leaseMs: 30_000,
};

/** How HTTP and container modules are called (runtime-shim/modules/). */
export const MODULE_DEFAULTS = {
  /** Consecutive failed calls (no connection, timeout, 502/503/504) that open a module's circuit. */
  breakerFailures: 5,
  /** An open circuit answers 503 at once for this long, then lets one probe call through. */
  breakerResetMs: 2_000,
  /** A refused connection (nothing was sent) is tried again this many times, after 50 ms, then 100 ms. */
  connectRetries: 2,
  /** A module answer longer than this (16 MiB) is refused with 502: a broken service cannot exhaust the server's memory. */
  maxAnswerBytes: 16 * 1024 * 1024,
  /** `dev.command`: how long start waits for `GET /_health` to answer 200. */
  startTimeoutMs: 30_000,
  /** `dev.command`: the first restart waits this long, doubling to restartMaxMs. */
  restartMinMs: 100,
  restartMaxMs: 5_000,
};
