// Composes the version change files once, at server start: for each (route key, old version) one
// request-up function (old → newest, oldest change first) and one response-down function (newest →
// old, newest change first). A request then costs one lookup and the chain's own work, never a
// walk over the version list.
import type { RouteMigration, VersionChange, VersionedRequest } from '../version-change.js';

export interface VersionStep {
  semver: string;
  timestamp: string;
  /** The changes that introduced this version (migrating the previous version to it), oldest first. */
  changes: VersionChange[];
}

export interface ComposedMigration {
  /** Old client's request → newest request; absent when no change touches the route's requests. */
  request?: (old: VersionedRequest) => VersionedRequest;
  /** Newest response body → the body the old client expects. */
  response?: (body: unknown, status: number) => unknown;
}

export interface Migrations {
  /** The composed migration for a client of `semver` calling `routeKey`; undefined means identity. */
  get(routeKey: string, semver: string): ComposedMigration | undefined;
  readonly size: number;
}

/** `steps` oldest first; a step's changes migrate the step before it to it (the first step's are ignored). */
export function composeMigrations(steps: readonly VersionStep[]): Migrations {
  const table = new Map<string, ComposedMigration>();
  for (let i = 0; i < steps.length - 1; i++) {
    const newer = steps.slice(i + 1).flatMap((s) => s.changes);
    const byRoute = new Map<string, RouteMigration[]>();
    for (const change of newer) {
      for (const [key, migration] of Object.entries(change.routes)) byRoute.set(key, [...(byRoute.get(key) ?? []), migration]);
    }
    for (const [key, chain] of byRoute) {
      const ups = chain.flatMap((m) => (m.request ? [m.request.bind(m)] : []));
      const downs = chain.flatMap((m) => (m.response ? [m.response.bind(m)] : [])).reverse();
      const composed: ComposedMigration = {};
      if (ups.length) composed.request = ups.length === 1 ? ups[0]! : (old) => ups.reduce((r, up) => up(r), old);
      if (downs.length) composed.response = downs.length === 1 ? downs[0]! : (body, status) => downs.reduce((b, down) => down(b, status), body);
      if (composed.request || composed.response) table.set(`${steps[i]!.semver} ${key}`, composed);
    }
  }
  return { get: (routeKey, semver) => table.get(`${semver} ${routeKey}`), size: table.size };
}
