// API versions at request time. Everything is prepared once, at start: the migrations composed
// per (route, old version), the 410 matchers of removed routes, the response headers of each
// version (X-API-Version, Deprecation, Sunset), and the old versions' validators, which the bundle
// carries precompiled (emitters/versions/runtime-module.ts). Per request: one header read for a
// client of the newest version; a pinned client costs a cached header lookup, its old schemas,
// its composed migration up and down, and the shaping of the response to its old output.
import type { DeprecatedVersion } from '../config.js';
import type { Logger } from '../types.js';
import { CONFIG_DEFAULTS } from '../defaults.js';
import type { VersionedRequest } from '../version-change.js';
import type { AppVersions, CompiledApp, RouteValidators } from './app.js';
import type { DecodedBody } from './body.js';
import { problem, problemAnswer } from './problem.js';
import { refuseInvalid, responseMismatch, type RequestParts } from './validation.js';
import { JSON_TYPE, PROBLEM_TYPE, headerOf, type IncomingRequest, type OutgoingResponse } from './wire.js';
import { composeMigrations, resolveVersion, type ComposedMigration, type Migrations } from '../versions/index.js';
import { trafficCounter, type TrafficCounter } from '../versions/traffic.js';

export interface Pin {
  semver: string;
  /** Set on every response of this version. */
  headers: Record<string, string>;
  /** Absent for the newest version: its requests take the ordinary path. */
  old?: OldVersion;
  /** Requests of this version's clients (the control panel's traffic per version). */
  traffic: TrafficCounter;
}

export interface Versioning {
  /** The version a request asks for, or the response that ends it (400 for a bad version, GET /_versions). */
  pin(incoming: IncomingRequest, path: string): Pin | OutgoingResponse;
}

type GoneRoute = { method: string; pattern: RegExp; key: string; removedIn: string };

/** What an old version is made of, prepared once at start. */
interface OldVersionParts {
  semver: string;
  /** Route key → that version's generated validators. */
  validators: Record<string, RouteValidators>;
  migrations: Migrations;
  /** Routes it had that a later version removed (answered 410). */
  gone: GoneRoute[];
  log: Logger;
}

/** One request of an old version's client, as the pipeline hands it over. */
export interface OldRequest {
  routeKey: string;
  /** Its parts, replaced in place as they are checked and migrated up. */
  req: RequestParts;
  /** The newest version of the route takes a body. */
  readsBody: boolean;
  /** Reads and decodes the body (once, when either version has one). */
  readBody: () => Promise<DecodedBody>;
  maxErrors: number;
}

/** Distinct X-API-Version values remembered with their resolution; past this the cache starts over. */
const CACHE_LIMIT = 1000;

export function createVersioning(app: CompiledApp, log: Logger): Versioning | undefined {
  const carried = app.versions;
  if (!carried || carried.manifest.versions.length === 0) return undefined;
  const { manifest } = carried;
  const config = app.config.versioning ?? {};
  const requireVersion = config.requireVersion ?? CONFIG_DEFAULTS.versioning.requireVersion;
  const migrations = composeMigrations(manifest.versions.map((v, i) => ({ semver: v.semver, timestamp: v.timestamp, changes: carried.changes[i] ?? [] })));
  const pins = new Map<string, Pin>();
  manifest.versions.forEach((v, i) => {
    const headers = { 'x-api-version': v.semver, ...deprecationHeaders(v.semver, i, manifest.versions, config.deprecated) };
    const old = v.semver === manifest.current ? undefined : new OldVersion({ semver: v.semver, validators: carried.validators[i] ?? {}, migrations, gone: goneRoutes(i, manifest.versions), log });
    pins.set(v.semver, { semver: v.semver, headers, old, traffic: trafficCounter(v.semver) });
  });
  const newest = pins.get(manifest.current) ?? pins.get(manifest.versions[manifest.versions.length - 1]!.semver)!;
  const listing = JSON.stringify({
    current: newest.semver,
    versions: [...manifest.versions].reverse().map((v) => {
      const h = pins.get(v.semver)!.headers;
      return { semver: v.semver, timestamp: v.timestamp, ...(h.deprecation ? { deprecated: true } : {}), ...(h.sunset ? { sunset: new Date(h.sunset).toISOString() } : {}) };
    }),
  });
  const resolved = new Map<string, Pin | string>();

  return {
    pin(incoming, path) {
      if (path === '/_versions' && (incoming.method === 'GET' || incoming.method === 'HEAD')) return { status: 200, headers: { 'content-type': JSON_TYPE }, body: listing };
      const header = headerOf(incoming, 'x-api-version');
      // Gati's own endpoints (/_health, /_ready) answer probes that send no version.
      if (header === undefined && path.startsWith('/_')) return newest;
      if (header === undefined && !requireVersion) {
        newest.traffic.count++;
        return newest;
      }
      const value = Array.isArray(header) ? header[0] : header;
      let hit = resolved.get(value ?? '');
      if (hit === undefined) {
        const r = resolveVersion(value, manifest.versions, { requireVersion });
        hit = r.ok ? pins.get(r.version.semver)! : JSON.stringify(r.problem);
        if (resolved.size >= CACHE_LIMIT) resolved.clear();
        resolved.set(value ?? '', hit);
      }
      if (typeof hit === 'string') return { status: 400, headers: { 'content-type': PROBLEM_TYPE }, body: hit };
      hit.traffic.count++;
      return hit;
    },
  };
}

/** A client pinned to a version older than the newest. */
export class OldVersion {
  /** The composed migration per route key, looked up once (null: none). */
  private readonly composed = new Map<string, ComposedMigration | null>();

  readonly semver: string;

  constructor(private readonly parts: OldVersionParts) {
    this.semver = parts.semver;
  }

  /** 410 for a route this version had and a later one removed (the newest has no route there). */
  goneResponse(method: string, path: string): OutgoingResponse | undefined {
    const route = this.parts.gone.find((g) => (g.method === method || (method === 'HEAD' && g.method === 'GET')) && g.pattern.test(path));
    if (!route) return undefined;
    return problemAnswer(problem(410, `${route.key} was removed in API version ${route.removedIn}; clients of ${this.semver} can no longer call it`, { removedIn: route.removedIn, route: route.key }));
  }

  /**
   * Reads the body when either version has one, checks the request against this version's
   * validators (generated from its snapshot by the same emitter as the newest: validation.ts),
   * and migrates it up to the newest shape (in `req`). The newest validators run after.
   */
  async request({ routeKey, req, readsBody, readBody, maxErrors }: OldRequest): Promise<OutgoingResponse | undefined> {
    const v = this.parts.validators[routeKey];
    if (readsBody || v?.body) {
      const decoded = await readBody();
      if ('response' in decoded) return decoded.response;
      req.body = decoded.value;
    }
    // A route added after this version: its clients call it as it is now.
    if (!v) return undefined;
    const refused = refuseInvalid(req, v, maxErrors, true);
    if (refused) return refused;
    const up = this.migration(routeKey)?.request;
    if (up) {
      const next: VersionedRequest = up({ params: req.params, query: req.query, headers: req.headers, body: req.body });
      req.params = next.params;
      req.query = next.query;
      req.headers = next.headers;
      req.body = next.body;
    }
    return undefined;
  }

  private migration(routeKey: string): ComposedMigration | null {
    let m = this.composed.get(routeKey);
    if (m === undefined) this.composed.set(routeKey, (m = this.parts.migrations.get(routeKey, this.semver) ?? null));
    return m;
  }

  /** The newest response body migrated down to this version and shaped to its declared output. */
  response(routeKey: string, status: number, body: unknown): unknown {
    const down = this.migration(routeKey)?.response;
    let out = down ? down(body, status) : body;
    const shape = this.parts.validators[routeKey]?.[`s${status}`];
    if (shape && out !== undefined) {
      // The JSON copy is what the validator shapes (it drops the keys that version did not have).
      out = JSON.parse(JSON.stringify(out)) as unknown;
      const first = responseMismatch(shape, out);
      if (first) this.parts.log.error({ route: routeKey, status, version: this.semver, path: first.path, problem: first.message }, `version ${this.semver}: the migrated ${routeKey} ${status} body does not match that version at ${first.path}: ${first.message}`);
    }
    return out;
  }
}

/** Route keys version `i` has and the newest lacks, each with the first version without it. */
function goneRoutes(i: number, versions: AppVersions['manifest']['versions']): GoneRoute[] {
  return versions[i]!.removed.map((key) => {
    const [method = '', path = ''] = key.split(' ');
    const removedIn = versions.slice(i + 1).find((later) => !(key in later.routes))?.semver ?? versions[versions.length - 1]!.semver;
    return { method, pattern: pathPattern(path), key, removedIn };
  });
}

/** `/users/:id` → /^\/users\/[^/]+\/?$/; `*rest` matches the remainder. */
function pathPattern(path: string): RegExp {
  const source = path.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.startsWith('*') ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * RFC 9745 `Deprecation: @<unix seconds>` (since when: `since`, else the release of the next version)
 * and RFC 8594 `Sunset: <HTTP-date>` for a version that versioning.deprecated names (by semver or prefix).
 */
function deprecationHeaders(semver: string, i: number, versions: AppVersions['manifest']['versions'], deprecated: Record<string, DeprecatedVersion> | undefined): Record<string, string> {
  if (!deprecated) return {};
  const match = Object.keys(deprecated).filter((k) => {
    const key = k.replace(/^v/, '');
    return semver === key || semver.startsWith(`${key}.`);
  }).sort((a, b) => b.length - a.length)[0];
  if (match === undefined) return {};
  const entry = deprecated[match] ?? {};
  const since = entry.since ? Date.parse(entry.since) : Date.parse((versions[i + 1] ?? versions[i]!).timestamp);
  const headers: Record<string, string> = { deprecation: `@${Math.floor(since / 1000)}` };
  if (entry.sunset) headers.sunset = new Date(entry.sunset).toUTCString();
  return headers;
}
