// The JSON the control panel's API answers (`/_control/api/*`), shared by the runtime that serves it and
// the single-page app (control-ui/) that renders it: the one contract between the two. Times are epoch
// milliseconds, durations milliseconds, sizes bytes. A list answer is `{ items }` so that it can grow fields.

/** GET /_control/auth/session (public): who is signed in, and how one signs in. */
export interface SessionInfo {
  /** 'dev': `gati dev` on loopback, no login; 'login': sessions required. */
  mode: 'dev' | 'login';
  authenticated: boolean;
  user?: string;
  /** Send as `X-Gati-Control-CSRF` on every state-changing call (POST/PUT/PATCH/DELETE). */
  csrf?: string;
  methods: { passkey: boolean; totp: boolean };
}

/**
 * The other /_control/auth/* calls (POST, JSON bodies; errors are problem documents: 401 wrong
 * credentials, 410 a used or expired link, 429 throttled with Retry-After):
 * - `login/passkey/options` {} → PublicKeyCredentialRequestOptionsJSON (for @simplewebauthn/browser startAuthentication)
 * - `login/passkey/verify` { response } → SessionInfo (+ the session cookie)
 * - `login/totp` { user, code } → SessionInfo
 * - `logout` {} (CSRF header) → { ok: true }
 * - `enroll/info` { token } → EnrollInfo
 * - `enroll/passkey/options` { token } → PublicKeyCredentialCreationOptionsJSON (startRegistration)
 * - `enroll/passkey/verify` { token, response } → SessionInfo (the link is used up; the user is signed in)
 * - `enroll/totp/start` { token } → TotpEnrollment
 * - `enroll/totp/confirm` { token, code } → SessionInfo
 * Signed in, the enroll calls without `token` (with the CSRF header) add a credential to one's own user.
 */
export interface EnrollInfo {
  user: string;
  /** When the link expires (null when enrolling through a session). */
  expiresAt: number | null;
  /** What the user has already. */
  passkeys: number;
  totp: boolean;
}
export interface TotpEnrollment {
  otpauthUrl: string;
  /** The QR code of otpauthUrl, an SVG document (render it as an <img> data: URL: the CSP allows it). */
  qrSvg: string;
  /** The base32 secret, for typing in by hand. */
  secret: string;
}

/** GET /_control/api/overview */
export interface Overview {
  app: string;
  /** The current API version (semver) or null before the first release. */
  version: string | null;
  engine: 'node' | 'bun' | 'deno';
  runtimeVersion: string;
  mode: 'dev' | 'start';
  startedAt: number;
  ready: boolean;
  /** This process, or the primary and each worker under `--workers`. */
  instances: Instance[];
  counts: { routes: number; middleware: number; modules: number; effects: number; versions: number };
}
export interface Instance {
  id: string;
  pid: number;
  role: 'all' | 'api' | 'worker' | 'primary';
  startedAt: number;
  ready: boolean;
  rssBytes: number;
  heapUsedBytes: number;
  inFlight: number;
}

/** GET /_control/api/topology: the compiled app as a graph, plus each environment's deployment. */
export interface Topology {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
  environments: DeployEnvironment[];
  /** The graph's size in the precomputed layout (elkjs, layered, at build time); absent without one. */
  layout?: { width: number; height: number };
}
/** A node's box in the precomputed layout, in absolute coordinates (a folder's box holds its children). */
export interface NodeLayout { x: number; y: number; width: number; height: number }
export type TopologyNodeKind = 'folder' | 'route' | 'middleware' | 'handler' | 'module' | 'effect' | 'queue';
export interface TopologyNode {
  /** Stable: `<kind>:<name>`, e.g. `route:POST /payments`, `module:ledger`. */
  id: string;
  kind: TopologyNodeKind;
  label: string;
  /** Source file relative to the app root, where there is one. */
  file?: string;
  /** Routes: the route key (`METHOD /path`), to link to metrics, traces and versions. */
  route?: string;
  /** Modules: 'local' | 'npm' | 'http' | 'container'; queues: the backend name; routes: 'http' | 'ws'. */
  variant?: string;
  /** The folder node this node is drawn inside (routes, middleware and handlers of a folder). */
  parent?: string;
  layout?: NodeLayout;
}
export interface TopologyEdge {
  from: string;
  to: string;
  kind: 'contains' | 'runs' | 'calls' | 'enqueues' | 'consumes';
  /** The edge's polyline in the precomputed layout (start, bends, end), absolute coordinates. */
  layout?: { points: { x: number; y: number }[] };
}
export interface DeployEnvironment {
  name: string;
  provider: string;
  regions: string[];
  components: { name: string; kind: 'api' | 'worker' | 'module' | 'all'; replicas: number; min?: number; max?: number; targetCpuPercent?: number }[];
}

/** GET /_control/api/routes */
export interface RouteSummary {
  key: string;
  method: string;
  path: string;
  kind: 'http' | 'ws';
  file: string;
  middleware: string[];
  modules: string[];
  effects: string[];
  statuses: number[];
}

/** GET /_control/api/traces?route=&status=&minMs=&maxMs=&limit= (newest first) */
export interface TraceSummary {
  traceId: string;
  /** The root span's name, e.g. `POST /payments`. */
  name: string;
  route?: string;
  method?: string;
  status?: number;
  start: number;
  durationMs: number;
  spanCount: number;
  error: boolean;
}
/** GET /_control/api/traces/:traceId */
export interface Trace { traceId: string; spans: SpanView[] }
export interface SpanView {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'server' | 'internal' | 'client' | 'producer' | 'consumer';
  start: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  attributes: Record<string, string | number | boolean>;
  events?: { name: string; time: number; attributes?: Record<string, string | number | boolean> }[];
}

/** GET /_control/api/logs?level=&q=&route=&traceId=&limit=&source=local|loki (newest last) */
export interface LogLine {
  /** Monotonic per process: the SSE stream resumes after it. */
  seq: number;
  time: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  reqId?: string;
  trace_id?: string;
  span_id?: string;
  /** The whole line as logged (secrets are never logged in the first place). */
  fields: Record<string, unknown>;
}

/** The answer of GET /_control/api/logs: the lines, and where they came from. */
export interface LogList extends List<LogLine> {
  source: 'local' | 'loki';
}

/** GET /_control/api/metrics?windowS=60&source=local|prometheus */
export interface MetricsSummary {
  source: 'local' | 'prometheus';
  at: number;
  windowS: number;
  activeRequests: number;
  routes: RouteMetrics[];
  /** Queue depth as `gati_effect_queue_depth` reads it (`queued` includes jobs waiting for their time: the effects page tells them apart). */
  effects: { effect: string; queued: number; running: number; dead: number; completedPerS: number; failedPerS: number }[];
  ws: { route: string; connections: number; inPerS: number; outPerS: number }[];
}
export interface RouteMetrics {
  method: string;
  route: string;
  /** Requests per second over the window. */
  rate: number;
  /** Share of 5xx answers over the window, 0..1. */
  errorRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  count: number;
}

/** GET /_control/api/versions */
export interface VersionsInfo {
  current: string | null;
  versions: { semver: string; timestamp: string; routes: number; removed: string[] }[];
  /** Requests served per version since the process started (the `Gati-Version` a client asked for). */
  traffic: Record<string, number>;
}
/** GET /_control/api/versions/diff?from=&to= */
export interface VersionDiff {
  from: string;
  to: string;
  bump: 'major' | 'minor' | 'patch' | 'none';
  changes: { route: string; kind: 'added' | 'removed' | 'breaking' | 'compatible'; detail: string }[];
}

/** GET /_control/api/effects */
export interface EffectsInfo {
  backend: string;
  effects: { name: string; file: string; counts: Record<'queued' | 'running' | 'delayed' | 'done' | 'dead', number> }[];
}
/** GET /_control/api/effects/dead?effect=&limit= */
export interface DeadJob { id: string; effect: string; payload: unknown; error: string; attempts: number; failedAt: number; enqueuedAt?: number }
/** POST /_control/api/effects/dead/:id/retry → { ok: true, id } */

/** GET /_control/api/deployments */
export interface DeploymentsInfo {
  /** 'cluster': read from the Kubernetes API; 'local': from .gati/deployments. */
  source: 'cluster' | 'local';
  history: { id: string; env: string; version: string; image?: string; at: number; status: string; current: boolean }[];
}
/** POST /_control/api/deployments/rollback { env, to, apply? } */
export interface ChangePlan {
  /** What would change: a unified diff of gati.config, or a description of the cluster patch. */
  diff: string;
  /** The exact command that does the same by hand. */
  command: string;
  applied: boolean;
  errors?: string[];
  /** When and where the change takes effect (e.g. at the next build under `gati start`). */
  note?: string;
  /** The panel does not apply this plan (no Confirm): the command is run by hand. */
  manual?: boolean;
}

/** GET /_control/api/scaling */
export interface ScalingInfo {
  source: 'cluster' | 'config';
  components: { env: string; name: string; replicas: number; min?: number; max?: number; targetCpuPercent?: number }[];
}
/** POST /_control/api/scaling { env, name, replicas?, min?, max?, apply? } → ChangePlan */

/** GET /_control/api/config */
export interface ConfigInfo {
  /** The effective config, secrets masked as "••••". */
  effective: Record<string, unknown>;
  /** The settings that can be changed at run time from the panel. */
  editable: { path: string; type: 'string' | 'number' | 'boolean' | 'enum'; value: unknown; options?: string[]; description: string }[];
}
/** POST /_control/api/config { changes: Record<path, value>, apply? } → ChangePlan (errors name the path) */

/** GET /_control/api/audit?limit= (newest first) */
export interface AuditEntry { at: number; user: string; action: string; detail?: Record<string, unknown>; ip?: string }

/** A list answer. */
export interface List<T> { items: T[] }

/**
 * GET /_control/api/stream?topics=logs,traces,metrics (Server-Sent Events). Events: `log` (LogLine),
 * `trace` (TraceSummary, when a trace's root span ends), `metrics` (MetricsSummary, every 2 s). A
 * reconnect with `Last-Event-ID` resumes the log tail after that seq.
 */
export type StreamTopic = 'logs' | 'traces' | 'metrics';

/** GET /_control/api/modules → List<ModuleStatus>: each module of the serving process and where its instance comes from. */
export interface ModuleStatus {
  name: string;
  /** local (src/modules, in-process), npm (in-process), http, container, process (a local `dev.command` or a swapped-in command), worker (a swapped-in file or package, in a worker thread). */
  kind: 'local' | 'npm' | 'http' | 'container' | 'process' | 'worker';
  /** The file, package, URL or command of the instance serving now. */
  source: string;
  state: 'serving' | 'swapping';
  /** Calls running on the current instance now. */
  inFlight: number;
  /** Hot swaps since the process started. */
  swaps: number;
  /** Calls since the process started, and how many failed (thrown or rejected), whatever instance served them. */
  calls: number;
  errors: number;
  /** A module called over HTTP (http, container, process): its circuit breaker, `open` while the service is failing. */
  circuit?: 'closed' | 'open' | 'half-open';
}
/**
 * POST /_control/api/modules/:name/swap { to } → SwapResult (CSRF header; audited). `to` as for
 * `gati modules swap --to`, except that the panel starts no program: an http(s) URL, `npm:<package>`
 * or a module file inside the app (.js/.mjs). Errors: 404 no such module, 400 a source that cannot
 * be read, 403 a command or a file outside the app, 502 the new instance did not come up (the old
 * one keeps serving).
 */
export interface SwapResult {
  name: string;
  kind: ModuleStatus['kind'];
  source: string;
  /** From the request to the new instance taking calls. */
  ms: number;
  /**
   * Under `--workers N`: each process serving the app (this one first) and whether it swapped too
   * (absent with one process). A sibling that failed keeps its previous instance.
   */
  processes?: { pid: number; ok: boolean; detail?: string }[];
}
