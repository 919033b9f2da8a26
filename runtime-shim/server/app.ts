// The compiled app as the generated entry hands it to the runtime: everything decided at build
// time (routes in table order, their validators, middleware chains, modules, effects, config).
import type { GatiConfig } from '../config.js';
import type { Middleware } from '../types.js';
import type { VersionChange } from '../version-change.js';
import type { FolderMiddleware } from './folder-middleware.js';

/** An AJV standalone validator (allErrors): true when valid, else `errors` holds every problem. */
export interface ValidateFn {
  (data: unknown): boolean;
  /** `propertyName`: set on the errors of a key checked by propertyNames. */
  errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown>; propertyName?: string }[] | null;
}

/** One route's generated validators module (dist/validators/<route>.mjs). */
export interface RouteValidators {
  params?: ValidateFn;
  query?: ValidateFn;
  headers?: ValidateFn;
  body?: ValidateFn;
  coerceParams?(o: unknown): void;
  coerceQuery?(o: unknown): void;
  coerceHeaders?(o: unknown): void;
  reviveParams?(v: unknown): unknown;
  reviveQuery?(v: unknown): unknown;
  reviveHeaders?(v: unknown): unknown;
  reviveBody?(v: unknown): unknown;
  /** The route declares `body?: T`: a request without a body skips the body validator. */
  bodyOptional?: boolean;
  /** `s<status>`: the declared response body of that status. */
  [response: `s${number}`]: ValidateFn | undefined;
}

/**
 * One route's compiled serializers (dist/serializers/<route>.mjs): per declared status with a body,
 * JSON text byte-identical to JSON.stringify's (undefined where it gives undefined); `wsOut` for a
 * WebSocket route's `out` messages.
 */
export interface RouteSerializers {
  wsOut?: Serialize;
  [response: `s${number}`]: Serialize | undefined;
}

export type Serialize = (value: unknown) => string | undefined;

export type HandlerFn = (req: unknown, res: unknown, gctx: unknown, lctx: unknown) => unknown;

export interface CompiledRoute {
  key: string;
  method: string;
  path: string;
  /** False for an untyped handler: nothing is validated and params stay strings. */
  typed: boolean;
  /** Whether a body is read: a typed route that declares one, or any untyped route that may get one. */
  readsBody: boolean;
  /**
   * How deep the body's type can nest arrays and objects, when bounded (no recursion, no `unknown`):
   * a body deeper than that fails validation anyway, so no nesting scan runs when it is within
   * `validation.maxDepth`. Absent: unbounded, or an untyped route (the scan runs).
   */
  bodyDepth?: number;
  /** Declared statuses; the first is the default when the handler sets none. */
  statuses: number[];
  handler: HandlerFn;
  /** Outermost first. */
  middleware: Middleware[];
  validators: RouteValidators;
  /** Absent on a bundle built before the serializers existed: JSON.stringify for every body. */
  serializers?: RouteSerializers;
}

export type MatchResult =
  | { route: number; params: Record<string, string> }
  | { allow: string[] }
  | { badEncoding: true }
  | null;

export interface ModuleNamespace {
  init?(gctx: unknown): unknown;
  close?(): unknown;
  [fn: string]: unknown;
}

/**
 * One generated module of dist/validators/modules/: per function `args_<fn>` and `result_<fn>`,
 * `reviveResult_<fn>` when the result holds dates, `argsWire_<fn>` when the arguments do (an npm
 * module's check the values in place instead: emitters/validators/in-process.ts).
 */
export type RemoteModuleValidators = Record<string, ValidateFn | ((v: unknown) => unknown) | boolean | undefined>;

export interface RemoteModuleEntry {
  functions: string[];
  validators?: RemoteModuleValidators;
  /** An npm module's validators of the wire form (as a service's), for a swap of it to a URL or a command. */
  wireValidators?: RemoteModuleValidators;
}

export interface EffectEntry {
  name: string;
  run(payload: unknown, gctx: unknown, ectx: unknown): unknown;
  retry: { attempts: number; backoff: 'fixed' | 'exponential'; delayMs: number };
  validate?: ValidateFn;
  /** Turns the payload's wire form (ISO strings) back into Dates where the type says Date; absent when it holds none. */
  revive?(payload: unknown): unknown;
}

/** What the bundle carries about API versions (the `gati:versions` module); see versions.ts. */
export interface AppVersions {
  manifest: {
    current: string;
    /** Oldest first. */
    versions: { semver: string; timestamp: string; removed: string[]; routes: Record<string, unknown> }[];
  };
  /** Per version (same order): the default exports of its version change files. */
  changes: VersionChange[][];
  /** Per version (same order; null for the newest): route key → that version's validators. */
  validators: (Record<string, RouteValidators> | null)[];
}

export interface CompiledApp {
  name: string;
  /** The app's root folder (where .gati/data lives), from the bundle's location. */
  root: string;
  config: GatiConfig;
  routes: CompiledRoute[];
  match(method: string, path: string): MatchResult;
  modules: Record<string, ModuleNamespace>;
  /** Config modules with types (an interface file, or an npm package's declarations), by name: their functions and boundary validators (absent on older bundles). */
  remoteModules?: Record<string, RemoteModuleEntry>;
  effects: EffectEntry[];
  /** Absent or undefined when the app has no released versions (no dist/versions.json at bundle time). */
  versions?: AppVersions;
  /** Every `_middleware` file with its folder's URL path, outermost first: the chain of a path without a route. */
  folders?: FolderMiddleware[];
}
