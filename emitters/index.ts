// Every emitter, once, in the order the driver runs them (driver/emit.ts). Each entry adapts one
// emitter module to the Emitter shape (emitter.ts): a name, its phase and a pure function from the
// model and the build's context to files. Infrastructure comes last of the build: its image tag is
// the content hash of everything before it (ctx.previous). How to add one: docs/architecture.md.
import { GENERATED_HEADER } from './artifact.js';
import { targetRuntime, type EmitContext, type Emitter } from './emitter.js';
import { CONFIG_DEFAULTS } from '../runtime-shim/defaults.js';
import { emitModel } from './model/index.js';
import { emit as emitSchemas } from './schema/index.js';
import { emit as emitContext } from './context/index.js';
import { emit as emitClient } from './client/index.js';
import { emit as emitOpenApi } from './openapi/index.js';
import { emit as emitAsyncApi } from './asyncapi/index.js';
import { emit as emitValidators } from './validators/index.js';
import { emit as emitSerializers } from './serializers/index.js';
import { emitRouter } from './router/index.js';
import { configScript, emitEntry, emitLaunchers } from './bundle/entry.js';
import { emitInfra } from './infra/index.js';
import { emit as emitVersions } from './versions/index.js';
import { emitVersionValidators } from './validators/versions.js';
import type { Artifact } from './artifact.js';
import { emit as emitControl, emitVersions as emitControlVersions } from './control/index.js';
import { CONTROL_APP_FILE } from '../runtime-shim/control/app-data/app-data-file.js';

const unknownKeys = (ctx: EmitContext) => ctx.config.validation?.unknownKeys ?? CONFIG_DEFAULTS.validation.unknownKeys;

export const modelEmitter: Emitter = { name: 'model', phase: 'build', emit: (model) => [emitModel(model)] };

// The playground's request editor reads dist/schemas/ when asked (runtime-shim/control/playground/route-schemas.ts).
export const schemaEmitter: Emitter = { name: 'schema', phase: 'build', serves: true, emit: (model) => emitSchemas(model) };

export const contextEmitter: Emitter = { name: 'context', phase: 'generated', emit: (model, ctx) => emitContext(model, ctx.config.modules) };

export const clientEmitter: Emitter = {
  name: 'client',
  phase: 'generated',
  emit: (model, ctx) => emitClient(model, { packageName: ctx.config.sdk?.packageName, apiVersion: ctx.apiVersion, sdkDir: ctx.sdkDir }),
};

export const openApiEmitter: Emitter = { name: 'openapi', phase: 'build', emit: (model, ctx) => emitOpenApi(model, { apiVersion: ctx.apiVersion }) };

export const asyncApiEmitter: Emitter = { name: 'asyncapi', phase: 'build', emit: (model, ctx) => emitAsyncApi(model, { apiVersion: ctx.apiVersion }) };

export const validatorsEmitter: Emitter = {
  name: 'validators',
  phase: 'build',
  serves: true,
  emit: (model, ctx) => emitValidators(model, { unknownKeys: unknownKeys(ctx) }, ctx.validatorCache),
};

export const serializersEmitter: Emitter = { name: 'serializers', phase: 'build', serves: true, emit: (model) => emitSerializers(model) };

export const routerEmitter: Emitter = {
  name: 'router',
  phase: 'build',
  serves: true,
  emit: (model) => [{ path: 'dist/router.mjs', contents: `// ${GENERATED_HEADER}\n${emitRouter(model.routes)}` }],
};

export const entryEmitter: Emitter = {
  name: 'entry',
  phase: 'build',
  emit: (model, ctx) => {
    return [emitEntry(model, { config: ctx.config, configScript: configScript(ctx.configFile) }), ...emitLaunchers(targetRuntime(ctx), model.effects.length > 0)];
  },
};

export const controlEmitter: Emitter = { name: 'control', phase: 'build', serves: true, emit: (model, ctx) => emitControl(model, ctx.config, ctx.layoutCache, ctx.deferLayout) };

/**
 * The image tag hashes the app's outputs, but not the panel's data: it carries the deploy
 * environments (replicas, regions), the infrastructure's own input, and a scaling change must not
 * make a new image.
 */
export const infraEmitter: Emitter = {
  name: 'infra',
  phase: 'build',
  emit: (model, ctx) => (ctx.infra === false ? [] : emitInfra(model, ctx.config, imageInputs(ctx.previous ?? []), { ...ctx.infra, runtime: targetRuntime(ctx) })),
};

/** The outputs the image tag hashes: the app's, without the panel's data. */
export function imageInputs(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => a.path !== CONTROL_APP_FILE);
}

export const versionsEmitter: Emitter = { name: 'versions', phase: 'release', emit: (_model, ctx) => emitVersions(ctx.releases ?? []) };

export const versionValidatorsEmitter: Emitter = {
  name: 'version-validators',
  phase: 'release',
  emit: (_model, ctx) => emitVersionValidators(ctx.releases ?? [], { unknownKeys: unknownKeys(ctx) }),
};

export const controlVersionsEmitter: Emitter = { name: 'control-versions', phase: 'release', emit: (_model, ctx) => emitControlVersions(ctx.releases ?? []) };

export const EMITTERS: readonly Emitter[] = [
  modelEmitter,
  schemaEmitter,
  contextEmitter,
  clientEmitter,
  openApiEmitter,
  asyncApiEmitter,
  validatorsEmitter,
  serializersEmitter,
  routerEmitter,
  entryEmitter,
  controlEmitter,
  infraEmitter,
  versionsEmitter,
  versionValidatorsEmitter,
  controlVersionsEmitter,
];
