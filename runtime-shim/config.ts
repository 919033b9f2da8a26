// The shape of gati.config.{ts,js,mjs,json,yaml}. The compiler validates a loaded config against
// compiler/config/config-schema.ts, which mirrors this type key for key.

export type BumpLevel = 'major' | 'minor' | 'patch';

export interface ServerConfig {
  /** Port for `gati dev`/`gati start` when neither --port nor PORT is given (default 3000). */
  port?: number;
  /** Host to bind (default 127.0.0.1 in dev, 0.0.0.0 in start). */
  host?: string;
  /** Largest accepted request body in bytes, or a string such as "1mb" (default 1 MiB). */
  bodyLimit?: number | string;
  /** Milliseconds a request may take before it is answered 408/503 (default 30000). */
  requestTimeoutMs?: number;
  /** Milliseconds allowed for in-flight requests at shutdown (default 10000). */
  shutdownTimeoutMs?: number;
}

export interface ValidationConfig {
  /** What happens to object keys the type does not declare: removed (default) or a 400. */
  unknownKeys?: 'strip' | 'reject';
  /** Check responses against the declared output types (default: on in `gati dev`, off in `gati start`). */
  responses?: boolean;
  /** The most errors a 400 lists (default 10); the validators find every error of a request, across its parts. */
  maxErrors?: number;
  /**
   * Deepest nesting of arrays and objects a JSON request body may have (default 64, at most 1000);
   * a deeper body is a 400 before it is parsed, so no validator can overflow the stack.
   */
  maxDepth?: number;
}

export interface VersioningConfig {
  /** Answer 400 to a request without X-API-Version (default false). */
  requireVersion?: boolean;
  /** The semver of the first snapshot (default "1.0.0"). */
  initialVersion?: string;
  /** Override the level of a diff rule by its id. */
  rules?: Record<string, BumpLevel>;
  /**
   * Deprecated versions, by semver or semver prefix (`"1"` covers every 1.x): their responses carry
   * `Deprecation` (RFC 9745) and, with `sunset`, `Sunset` (RFC 8594).
   */
  deprecated?: Record<string, DeprecatedVersion>;
}

export interface DeprecatedVersion {
  /** When the version was deprecated (ISO date); default: the release of the version after it. */
  since?: string;
  /** When the version stops being served (ISO date), sent as the Sunset HTTP-date. */
  sunset?: string;
}

export interface EffectsConfig {
  backend?: 'sqlite' | 'redis' | 'sqs' | 'pubsub' | 'azure-queue';
  /** SQLite file (default .gati/data/effects.db) */
  path?: string;
  /** Redis URL for the redis backend. */
  url?: string;
  /**
   * The queue (default gati-effects): the SQS queue (sqs), the topic and its subscription (pubsub),
   * or the storage queue (azure-queue). The deploy output creates it, with its dead-letter queue.
   */
  queue?: string;
  /** Where the job records live: DynamoDB table (sqs, default gati-effects), Firestore collection (pubsub, default gati-effects), Azure table (azure-queue, default gatieffects). */
  table?: string;
  /** Jobs run at once per process (default 4). */
  concurrency?: number;
}

/** `deploy.<env>.effects`: the backend keys of `effects` but the SQLite file (pods share no disk). */
export type DeployEffectsConfig = Omit<EffectsConfig, 'path'>;

/**
 * `modules.<name>`: a module that is not a file of src/modules. Exactly one source: `npm` (called
 * in-process), `http` or `container` (called over HTTP: `POST <base>/<function>` with the JSON
 * array of arguments). GATI_MODULE_<NAME>_URL in the environment overrides the base URL.
 */
export interface ModuleSourceConfig {
  /** An npm package whose exports become the module's methods (typed from its own types). */
  npm?: string;
  /** The base URL of an HTTP service that speaks the module wire protocol. */
  http?: string;
  /** A container image serving the module over HTTP on `port` (default 8080): its own Deployment in Kubernetes. */
  container?: ModuleContainerConfig;
  /** A `.contract.ts` file of `export declare function`s: types `gctx.modules.<name>`, and the calls are validated against it. */
  interface?: string;
  /** How `gati dev` and `gati start` run the module locally (given PORT) when GATI_MODULE_<NAME>_URL is unset. */
  dev?: ModuleDevConfig;
  /** A call that has no answer after this many ms fails with 504 (default 10 s). */
  timeoutMs?: number;
}

export interface ModuleContainerConfig {
  image: string;
  /** The port the container serves on (default 8080). */
  port?: number;
}

export interface ModuleDevConfig {
  /** The program and its arguments, run from the app root with PORT set: `['python3', 'services/resize/server.py']`. */
  command: string[];
}

export interface SdkConfig {
  /** npm name of the generated client package (default "<app>-client"). */
  packageName?: string;
}

export interface WsConfig {
  /** A text message over this many bytes closes the socket with 1009 (default 1 MiB). */
  maxMessageBytes?: number;
  /** A client whose unsent data passes this many bytes is closed with 1013 (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Ping every socket this often (ms); one that misses two pongs is dropped (default 30 s; 0 turns the heartbeat off). */
  pingIntervalMs?: number;
  /**
   * The Redis (redis:// URL) that carries `publish` between processes and pods; default: the effects
   * backend's when it is 'redis', else none. An empty string turns it off.
   */
  redis?: string;
}

/** The control panel at /_control (docs/control-panel.md). */
export interface ControlConfig {
  /** Serve the panel under `gati start` (default false; GATI_CONTROL=1 turns it on too). `gati dev` always serves it. */
  enabled?: boolean;
  /** Where users, credentials, sessions and the audit log live (default "sqlite"; "redis" when effects.backend is "redis"). */
  store?: 'sqlite' | 'redis';
  /** The SQLite file of store "sqlite", relative to the app root (default ".gati/control.db"). */
  path?: string;
  /** The Redis URL of store "redis" (default: effects.url, else REDIS_URL). */
  url?: string;
  /** Addresses of the TLS-terminating proxies whose X-Forwarded-Proto is believed (default none). */
  trustedProxies?: string[];
  /** The panel's in-process buffers of recent traces and log lines (bounded). */
  buffers?: {
    /** Traces kept (default 2000). */
    traces?: number;
    /** Bytes of spans kept, about (default 12 MiB). */
    traceBytes?: number;
    /** Log lines kept (default 20000). */
    logLines?: number;
    /** Bytes of log lines kept (default 8 MiB). */
    logBytes?: number;
  };
  /** Logs from Loki instead of this process's buffer. */
  loki?: {
    /** Loki's base URL, e.g. `http://loki:3100`. */
    url?: string;
    /** The LogQL stream selector of this app's lines (default `{app="<name>"}`). */
    query?: string;
  };
  /** Metrics from Prometheus instead of this process's counters. */
  prometheus?: {
    /** Prometheus' base URL, e.g. `http://prometheus:9090`. */
    url?: string;
    /** A PromQL label matcher added to every query, e.g. `job="payments"` (default none). */
    selector?: string;
  };
}

export interface GatiConfig {
  /** The app's name (default: package.json "name", else the folder name). */
  name?: string;
  server?: ServerConfig;
  validation?: ValidationConfig;
  versioning?: VersioningConfig;
  effects?: EffectsConfig;
  modules?: Record<string, ModuleSourceConfig>;
  sdk?: SdkConfig;
  /** WebSocket routes: message limits and the cross-process bridge. */
  ws?: WsConfig;
  /** The engine the server is compiled for (default "node"). */
  runtime?: 'node' | 'bun' | 'deno';
  /** Deployment environments, keyed by name (prod, staging, …). */
  deploy?: Record<string, DeployEnvConfig>;
  /** The control panel at /_control (docs/control-panel.md). */
  control?: ControlConfig;
}

export type DeployProvider = 'aws' | 'gcp' | 'azure' | 'kubernetes' | 'custom';

export interface ReplicasConfig {
  /** Floor of the autoscaler (default 2: one pod may restart while another serves). */
  min?: number;
  /** Ceiling of the autoscaler (default 10). */
  max?: number;
}

/** Kubernetes quantities: cpu `"250m"` or `"1"`, memory `"256Mi"`. */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export interface ResourcesConfig {
  requests?: ResourceQuantities;
  limits?: ResourceQuantities;
}

/** A reference to a key of a Kubernetes Secret: the value never appears in the config or the artifacts. */
export interface SecretRef {
  secret: string;
  key: string;
}

export interface WorkersDeployConfig {
  /** Run a worker Deployment for the app's effects (default: true when the app has effects). */
  enabled?: boolean;
  replicas?: ReplicasConfig;
  resources?: ResourcesConfig;
  cpuTarget?: number;
}

export interface DeployEnvConfig {
  provider: DeployProvider;
  /** One set of workloads per region (default ["default"]); the first is the primary for failover. */
  regions?: string[];
  /** Public host name; TLS certificates and the CDN are issued for it. */
  domain?: string;
  /** Kubernetes namespace, `{region}` replaced (default: the app name). */
  namespace?: string;
  /** kubectl context for a region; `{region}` is replaced (default: the current context). */
  kubeContext?: string;
  image?: {
    /** Registry and repository, without tag (default: the app name). */
    repository?: string;
    /** Default: the build's content hash, so a changed app gets a new tag. */
    tag?: string;
  };
  replicas?: ReplicasConfig;
  resources?: ResourcesConfig;
  /** Average CPU utilisation, in percent of the request, the autoscaler aims for (default 70). */
  cpuTarget?: number;
  /** 'domain': one Deployment (and autoscaler) per top-level folder of src/handlers (default 'none'). */
  split?: 'none' | 'domain';
  workers?: WorkersDeployConfig;
  /**
   * The effects backend of this environment's pods, instead of the top-level `effects` (which
   * `gati dev` and a local `gati start` keep using): e.g. SQLite locally, `{ backend: 'redis' }` here.
   * The pods select it through GATI_ENV.
   */
  effects?: DeployEffectsConfig;
  /** Plain environment variables (a ConfigMap). */
  env?: Record<string, string>;
  /**
   * The control panel in this environment's pods (default: the top-level `control.enabled`): the
   * pods get GATI_CONTROL=1, and on Kubernetes a ServiceAccount, Role and RoleBinding that let the
   * panel read the app's Deployments, ReplicaSets and autoscalers, scale them and roll them back.
   */
  control?: { enabled?: boolean };
  /** Environment variables read from Secret keys. */
  secrets?: Record<string, SecretRef>;
  /** Let's Encrypt through cert-manager (kubernetes, azure). */
  tls?: {
    email?: string;
    staging?: boolean;
    /**
     * A cert-manager ACME DNS-01 solver (`{ cloudflare: { apiTokenSecretRef: { name, key } } }`,
     * `{ route53: { region } }`, …), used as is: every region then orders the shared domain too.
     */
    dns01?: Record<string, unknown>;
  };
  /** Ingress class (default by provider: alb on aws, gce on gcp, nginx otherwise). */
  ingressClass?: string;
  observability?: {
    /** A prometheus-operator ServiceMonitor scraping every app pod's admin port (default false: pods carry `prometheus.io/*` annotations either way). */
    serviceMonitor?: boolean;
    /** OTLP/HTTP collector URL: the pods get `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_SERVICE_NAME` (the app's name). Default: tracing off. */
    otlpEndpoint?: string;
  };
  aws?: {
    /** Route 53 hosted zone of the domain (no lookup: synthesis stays offline). */
    hostedZoneId: string;
    /** Default: the domain. */
    hostedZoneName?: string;
    /** The AWS account (12 digits): the effects role's ARN the pods' ServiceAccount names (IRSA; `effects.backend: 'sqs'`). */
    accountId?: string;
    /**
     * Per region, the EKS cluster's OIDC issuer without https:// (`oidc.eks.<region>.amazonaws.com/id/<ID>`):
     * the effects role trusts only the app's ServiceAccount there (IRSA; `effects.backend: 'sqs'`).
     */
    oidcIssuers?: Record<string, string>;
  };
  /** Google Cloud (`effects.backend: 'pubsub'`): the project of the topics and of Workload Identity. */
  gcp?: { project: string };
  azure?: {
    resourceGroup: string;
    /**
     * A user-assigned managed identity in the resource group the pods run as (Azure Workload Identity;
     * `effects.backend: 'azure-queue'`): its name (for the role assignments and federated credentials)
     * and client id (for the ServiceAccount).
     */
    identity?: { name: string; clientId: string };
    /** Per region, the AKS cluster's OIDC issuer URL (`az aks show --query oidcIssuerProfile.issuerUrl`). */
    oidcIssuers?: Record<string, string>;
  };
  /** 'github-actions': `gati build` writes `.github/workflows/gati-<env>.yml` (test, build, deploy with the cloud's OIDC login). */
  ci?: 'github-actions';
  /** 'argocd': `gati build` writes an Argo CD Application (one region) or ApplicationSet (several) for `infra/<env>/k8s`. */
  gitops?: 'argocd';
  argocd?: {
    /** The Git repository Argo CD syncs from (this app's repository, with `infra/` committed). */
    repoURL: string;
    /** Branch, tag or commit (default "HEAD"). */
    revision?: string;
    /** Argo CD project (default "default"). */
    project?: string;
  };
  custom?: {
    /** Runs `gati deploy`: receives artifact paths, image, version and env in its environment. */
    deployScript: string;
    /** Runs after deployScript to put a CDN in front. */
    cdnScript?: string;
  };
}

/** The config file names, in the order they are looked for (the first found is the app's config). */
export const CONFIG_FILE_NAMES: readonly string[] = ['gati.config.ts', 'gati.config.mts', 'gati.config.js', 'gati.config.mjs', 'gati.config.json', 'gati.config.yaml', 'gati.config.yml'];

/** Gives a config file its types; returns the config unchanged. */
export function defineConfig(config: GatiConfig): GatiConfig {
  return config;
}
