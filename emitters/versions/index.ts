// dist/versions.json: what the server needs to serve every released version. Pure: the snapshots
// (oldest first) in, one artifact out. Per version: its semver and timestamp, the version change
// files that introduced it (the server imports them and composes them with composeMigrations),
// every route key of that version with the JSON Schemas of its inputs and outputs at that version
// (to validate an old client's request before migrating it up), and the routes that version has
// but the newest has not (the server answers those 410 Gone to clients of that version).
import type { ReleasedVersion } from '../../model/api-surface.js';
import { routeShape } from '../../model/route-string.js';
import type { InputPart } from '../../model/app-model.js';
import { jsonArtifact, type Artifact } from '../artifact.js';
import { standaloneSchema, type JsonSchema } from '../schema/to-json-schema.js';

export interface VersionsManifest {
  /** The newest version's semver (what a request without X-API-Version gets). */
  current: string;
  /** Oldest first. */
  versions: VersionEntry[];
}

export interface VersionEntry {
  semver: string;
  timestamp: string;
  bump: ReleasedVersion['bump'];
  hash: string;
  /** Version change files (relative to the app root) that migrate the previous version to this one; ignored on the first. */
  versionChanges: { file: string; description: string }[];
  /** Route keys of this version that the newest version no longer has: 410 Gone for clients of this version. */
  removed: string[];
  routes: Record<string, VersionRouteSchemas>;
}

export interface VersionRouteSchemas {
  params?: JsonSchema;
  query?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
  /** Status → body schema; null for a status without a body. */
  responses: Record<string, JsonSchema | null>;
  /** A WebSocket route's messages in that version. */
  messages?: { in: JsonSchema; out: JsonSchema };
}

export function versionsManifest(snapshots: readonly ReleasedVersion[]): VersionsManifest {
  const newest = snapshots[snapshots.length - 1];
  const current = new Set(Object.keys(newest?.surface.routes ?? {}));
  const currentShapes = new Set([...current].map(routeShape));
  const versions = snapshots.map((s): VersionEntry => {
    const routes: Record<string, VersionRouteSchemas> = {};
    for (const [key, route] of Object.entries(s.surface.routes)) {
      const out: VersionRouteSchemas = { responses: {} };
      for (const [part, type] of Object.entries(route.input) as [InputPart, NonNullable<(typeof route.input)[InputPart]>][]) out[part] = standaloneSchema(type, s.surface.types);
      for (const [status, type] of Object.entries(route.output)) out.responses[status] = type.kind === 'void' ? null : standaloneSchema(type, s.surface.types);
      if (route.ws) out.messages = { in: standaloneSchema(route.ws.in, s.surface.types), out: standaloneSchema(route.ws.out, s.surface.types) };
      routes[key] = out;
    }
    return {
      semver: s.semver,
      timestamp: s.timestamp,
      bump: s.bump,
      hash: s.hash,
      versionChanges: s.versionChanges,
      // A route whose path params were only renamed is still served (as the newest version serves it), never 410.
      removed: Object.keys(s.surface.routes).filter((k) => !current.has(k) && !currentShapes.has(routeShape(k))).sort(),
      routes,
    };
  });
  return { current: newest?.semver ?? '', versions };
}

/** Where the manifest of released versions goes; the server bundle reads it at bundle time (driver/bundle.ts). */
export const VERSIONS_MANIFEST = 'dist/versions.json';

export function emit(snapshots: readonly ReleasedVersion[]): Artifact[] {
  return snapshots.length ? [jsonArtifact(VERSIONS_MANIFEST, versionsManifest(snapshots))] : [];
}
