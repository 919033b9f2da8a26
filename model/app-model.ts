// AppModel: everything the compiler learned about an app, as deterministic JSON.
import type { GType, NamedType, Span } from './gtype.js';

export const MODEL_VERSION = 1;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'WS';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'WS'];

export type InputPart = 'params' | 'query' | 'headers' | 'body';
export const INPUT_PARTS: readonly InputPart[] = ['params', 'query', 'headers', 'body'];

export interface RouteModel {
  /** `'<METHOD> <path>'`, unique per app. */
  key: string;
  method: HttpMethod;
  /** `/payments/:id/capture`; a trailing `*` is a wildcard. */
  path: string;
  /** Path parameter names in order (`*` for the wildcard). */
  pathParams: string[];
  /** Handler file, relative to the app root. */
  file: string;
  span: Span;
  /** Where the route came from: a `route` export or the file path. */
  routeSource: 'export' | 'file';
  /** Client method name, from the file path (`['payments', 'capture']`). */
  name: string[];
  /** False for a handler without type annotations: no validation, string params. */
  typed: boolean;
  input: Partial<Record<InputPart, GType>>;
  /** True when the handler declares `body?:` (a client may send none); absent otherwise. */
  bodyOptional?: true;
  /** Status code → body type (`void` for none). */
  output: Record<string, GType>;
  /**
   * A WebSocket route's messages (`WsHandler<I, { in; out }>`): `in` is what clients send (validated
   * per message), `out` what the server sends. Absent on HTTP routes and on an untyped WS handler.
   */
  ws?: WsMessagesModel;
  /** Middleware files that wrap this route, outermost first. */
  middleware: string[];
  /** Module names the handler file refers to (`gctx.modules.<name>`). */
  modules: string[];
  /** Effect names the handler file enqueues. */
  effects: string[];
}

export interface WsMessagesModel {
  in: GType;
  out: GType;
}

export interface MiddlewareModel {
  file: string;
  /** The folder below src/handlers it applies to ('' for all routes). */
  scope: string;
  /** The names its middleware have in the source, in order (null: none written); absent when the export is not a plain list (compiler/analyze/static-exports.ts). */
  names?: (string | null)[];
}

export interface ModuleFunction {
  name: string;
  /** The TypeScript signature as written, for humans and generated docs. */
  signature: string;
  span: Span;
}

export interface ModuleModel {
  name: string;
  file: string;
  functions: ModuleFunction[];
  hasInit: boolean;
  hasClose: boolean;
}

/** A parameter of a config module's function, as its interface file declares it. */
export interface RemoteParam {
  name: string;
  type: GType;
  optional: boolean;
  rest: boolean;
}

export interface RemoteFunction {
  name: string;
  params: RemoteParam[];
  /** The awaited return type: what the service answers with. */
  result: GType;
  /** The TypeScript signature as written. */
  signature: string;
  span: Span;
}

/** A config module with types to check its calls against: an HTTP or container module with an interface file, or an npm module (its interface file or its package's declarations). */
export interface RemoteModuleModel {
  name: string;
  /** The interface file, relative to the app root (for an npm module without one, the package's declarations). */
  interface: string;
  functions: RemoteFunction[];
  /** An npm module (called in-process): its package. */
  npm?: string;
}

export interface RetryModel {
  attempts: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
}

export interface EffectModel {
  name: string;
  file: string;
  span: Span;
  payload: GType;
  retry: RetryModel;
}

export interface VersionChangeModel {
  name: string;
  file: string;
}

export interface AppModel {
  modelVersion: number;
  app: { name: string };
  routes: RouteModel[];
  middleware: MiddlewareModel[];
  modules: ModuleModel[];
  /** HTTP and container modules of the config with an interface file (absent on models made before them). */
  remoteModules?: RemoteModuleModel[];
  effects: EffectModel[];
  versionChanges: VersionChangeModel[];
  /** Named types by id. */
  types: Record<string, NamedType>;
}
