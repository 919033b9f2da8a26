// The API surface and a released version of it, as data: what the versions phase (compiler/versions)
// computes and stores, and what the emitters that serve old versions read. Types only, so that both
// sides share them without the emitters reaching into the compiler.
import type { InputPart } from './app-model.js';
import type { GType } from './gtype.js';

export interface SurfaceRoute {
  method: string;
  path: string;
  input: Partial<Record<InputPart, GType>>;
  /** `body?:`: clients may send no body. */
  bodyOptional?: true;
  /** Status → body (`void` for none). */
  output: Record<string, GType>;
  /** A WebSocket route's messages: `in` is judged as input, `out` as output. */
  ws?: { in: GType; out: GType };
}

export interface ApiSurface {
  routes: Record<string, SurfaceRoute>;
  /** Every named type a route reaches, by id (refs inside routes point here). */
  types: Record<string, { name: string; type: GType }>;
}

export type BumpLevel = 'major' | 'minor' | 'patch';

/** One released API version as the emitters read it (compiler/versions/snapshot.ts stores more). */
export interface ReleasedVersion {
  semver: string;
  /** UTC, second precision: `2026-11-26T11:30:00Z`. */
  timestamp: string;
  hash: string;
  /** 'initial' for the first version. */
  bump: BumpLevel | 'initial';
  /** Version change files (relative paths) that migrate clients of the previous version to this one, oldest first. */
  versionChanges: { file: string; description: string }[];
  surface: ApiSurface;
}
