// The one shape every emitter has: a name, and a pure function from the model (and the build's
// context) to files. The driver runs the list in emitters/index.ts; a test can run one alone.
import type { AppModel } from '../model/app-model.js';
import type { ReleasedVersion } from '../model/api-surface.js';
import type { Runtime } from '../model/engines.js';
import type { GatiConfig } from '../runtime-shim/config.js';
import { CONFIG_DEFAULTS } from '../runtime-shim/defaults.js';
import type { Artifact } from './artifact.js';
import type { InfraOptions } from './infra/index.js';
import type { ValidatorCache } from './validators/index.js';
import type { LayoutCache } from './control/layout.js';

/**
 * When an emitter runs. 'generated': the generated sources and the SDK (`gati generate` writes
 * these alone); 'build': the rest of a build; 'release': after the API version is recorded, from
 * the released versions (`ctx.releases`), so only `gati build` and `gati deploy` run them.
 */
export type EmitPhase = 'generated' | 'build' | 'release';

export interface EmitContext {
  config: GatiConfig;
  /** The config file, relative to the app root, when it is a script the server must run. */
  configFile?: string;
  /** Validator modules by content hash, kept between rebuilds. */
  validatorCache?: ValidatorCache;
  /** The control panel's topology layouts by graph, kept between rebuilds (and runs: driver/emit-cache.ts). */
  layoutCache?: LayoutCache;
  /** Infrastructure options; `false` skips infra (the dev loop does not deploy). */
  infra?: InfraOptions | false;
  /** The API semver this build releases (from the versions phase); the SDK and OpenAPI carry it. */
  apiVersion?: string;
  /** The engine the build targets (default: the config's `runtime`, else node). */
  runtime?: Runtime;
  /** Where the SDK tarball goes (see emitters/client); a tentative version's goes under .gati/cache. */
  sdkDir?: string;
  /** The released versions, oldest first (set for the 'release' phase, after the version is recorded). */
  releases?: readonly ReleasedVersion[];
  /** What the emitters before this one produced, in order (infra hashes it into the image tag). */
  previous?: readonly Artifact[];
  /**
   * `gati dev`'s first answer: the topology's layout only if the cache holds it, else none (the
   * panel lays the graph out itself until the deferred emit writes it; driver/build.ts deferEmit).
   */
  deferLayout?: boolean;
}

export interface Emitter {
  readonly name: string;
  readonly phase: EmitPhase;
  /**
   * Its output is what the dev server loads to answer (the route table, validators, serializers)
   * or reads when asked (the panel's app data): `gati dev` runs these before its first answer and
   * the others after it (driver/build.ts deferEmit).
   */
  readonly serves?: boolean;
  emit(model: AppModel, ctx: EmitContext): Artifact[];
}

/** The engine a build targets: the context's, else the config's, else node. */
export function targetRuntime(ctx: EmitContext): Runtime {
  return ctx.runtime ?? ctx.config.runtime ?? CONFIG_DEFAULTS.runtime;
}
