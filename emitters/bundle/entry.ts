// The server entry: a module that imports the app's handlers, middleware, modules, effects and
// config with the generated route table, validators and response serializers, and hands them to the runtime. esbuild
// bundles it into dist/server.mjs (see driver/bundle.ts).
import type { AppModel, RouteModel } from '../../model/app-model.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { GENERATED_HEADER } from '../artifact.js';
import { engineArgs, type Runtime } from '../../model/engines.js';
import { routeFromFilePath } from '../../model/file-route.js';

export const ENTRY_PATH = '.gati/cache/server-entry.mjs';

export interface EntryOptions {
  /** The config file relative to the app root when it is a script (imported, so it runs at start), else undefined. */
  configScript?: string;
  /** The loaded config, embedded when there is no script. */
  config: GatiConfig;
}

/** `.gati/cache/x.mjs` → the app root is two folders up. */
const fromEntry = (file: string) => `../../${file}`;

export function emitEntry(model: AppModel, options: EntryOptions): { path: string; contents: string } {
  const lines = [`// ${GENERATED_HEADER}`, "export { runMain, prepareApp, createLogger, launchOptions } from 'gati/runtime';", "import { match } from '../../dist/router.mjs';", "import { routes as validators, effects as effectValidators } from '../../dist/validators/index.mjs';", "import { routes as serializers } from '../../dist/serializers/index.mjs';"];
  const handlerIds = new Map<string, string>();
  lines.push("import versions from 'gati:versions';");
  model.routes.forEach((route, i) => {
    handlerIds.set(route.file, `h${i}`);
    lines.push(`import * as h${i} from ${JSON.stringify(fromEntry(route.file))};`);
  });
  model.middleware.forEach((m, i) => lines.push(`import * as mw${i} from ${JSON.stringify(fromEntry(m.file))};`));
  model.modules.forEach((m, i) => lines.push(`import * as mod${i} from ${JSON.stringify(fromEntry(m.file))};`));
  model.effects.forEach((e, i) => lines.push(`import * as eff${i} from ${JSON.stringify(fromEntry(e.file))};`));
  // The server needs no `deploy` section; leaving it out keeps the image (and its tag) unchanged
  // when only deployment settings change. Only each environment's `effects` stays: a pod picks its
  // backend by GATI_ENV (runtime-shim/effects/effects-config.ts).
  const { deploy, ...rest } = options.config;
  const deployEffects = Object.entries(deploy ?? {}).filter(([, d]) => d.effects !== undefined).map(([env, d]) => [env, { effects: d.effects }]);
  const runtimeConfig = deployEffects.length ? { ...rest, deploy: Object.fromEntries(deployEffects) } : rest;
  lines.push(options.configScript ? `import config from ${JSON.stringify(fromEntry(options.configScript))};` : `const config = ${JSON.stringify(runtimeConfig)};`);
  const mwIndex = new Map(model.middleware.map((m, i) => [m.file, i]));
  lines.push('', '/** A `_middleware` file exports one middleware or an array of them. */', 'const chain = (ns) => (ns.middleware === undefined ? [] : [].concat(ns.middleware));', '');
  lines.push('export const app = {', `  name: ${JSON.stringify(model.app.name)},`, "  root: (await import('node:url')).fileURLToPath(new URL('..', import.meta.url)),", '  config: config ?? {},', '  match,', '  routes: [');
  model.routes.forEach((route, i) => lines.push(`    ${routeEntry(route, i, mwIndex)},`));
  lines.push('  ],', `  modules: { ${model.modules.map((m, i) => `${JSON.stringify(m.name)}: mod${i}`).join(', ')} },`);
  lines.push(`  effects: [${model.effects.map((e, i) => `{ name: ${JSON.stringify(e.name)}, run: eff${i}.run, retry: ${JSON.stringify(e.retry)}, validate: effectValidators[${JSON.stringify(e.name)}]?.payload, revive: effectValidators[${JSON.stringify(e.name)}]?.revivePayload }`).join(', ')}],`);
  lines.push(`  folders: [${folderEntries(model).join(', ')}],`);
  lines.push('  versions,', '};', '');
  return { path: ENTRY_PATH, contents: lines.join('\n') };
}

/**
 * dist/server.mjs: enables source maps, then loads the bundle (dist/app.mjs) and serves it. Source
 * maps only apply to modules loaded after they are enabled, hence a launcher in front of the bundle.
 * dist/worker.mjs (apps with effects): runs the effect jobs only (it answers /_health and /_ready
 * for probes). dist/runtime.json: the engine the build targets, which `gati start` runs it on.
 * The launchers take `gati start`'s flags (see serve-flags.ts): a production image runs them
 * directly, without the gati CLI and the compiler it loads.
 * The launchers run on every engine; their comments show the target's command.
 */
export function emitLaunchers(runtime: Runtime, effects: boolean): { path: string; contents: string }[] {
  const run = [runtime, ...engineArgs(runtime)].join(' ');
  return [
    launcher('dist/server.mjs', `\`${run} dist/server.mjs [start] [--port n] [--host h] [--workers n|auto] [--role all|api|worker] [--admin-port n|off]\` serves the app (and runs its effect jobs); PORT, HOST, GATI_ROLE and ADMIN_PORT come from the environment.`, ''),
    ...(effects ? [launcher('dist/worker.mjs', `\`${run} dist/worker.mjs\` runs the effect jobs only; PORT serves /_health and /_ready.`, "{ role: 'worker' }")] : []),
    { path: RUNTIME_FILE, contents: `${JSON.stringify({ runtime })}\n` },
  ];
}

/** Where the build records its target engine. */
export const RUNTIME_FILE = 'dist/runtime.json';

function launcher(path: string, comment: string, options: string): { path: string; contents: string } {
  return {
    path,
    contents: [
      `// ${GENERATED_HEADER}`,
      `// ${comment}`,
      'process.setSourceMapsEnabled(true);',
      "const { app, runMain, launchOptions } = await import('./app.mjs');",
      `await runMain(app, launchOptions(process.argv.slice(2)${options ? `, ${options}` : ''}));`,
      '',
    ].join('\n'),
  };
}

function routeEntry(route: RouteModel, i: number, mwIndex: Map<string, number>): string {
  const statuses = Object.keys(route.output).map(Number);
  const hasBody = route.typed ? route.input.body !== undefined : !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
  const middleware = route.middleware.map((file) => `...chain(mw${mwIndex.get(file)})`).join(', ');
  return `{ key: ${JSON.stringify(route.key)}, method: ${JSON.stringify(route.method)}, path: ${JSON.stringify(route.path)}, typed: ${route.typed}, readsBody: ${hasBody}, statuses: ${JSON.stringify(statuses)}, handler: h${i}.handler, middleware: [${middleware}], validators: validators[${i}], serializers: serializers[${i}] }`;
}

/**
 * Each `_middleware` file with the URL path of its folder (named as file routes name folders:
 * `notes/[id]` → `/notes/:id`), outermost first: the runtime's chain for a path without a route.
 */
function folderEntries(model: AppModel): string[] {
  const depth = (scope: string) => (scope === '' ? 0 : scope.split('/').length);
  return model.middleware
    .map((m, i) => ({ i, scope: m.scope }))
    .sort((a, b) => depth(a.scope) - depth(b.scope) || (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0))
    .map(({ i, scope }) => `{ path: ${JSON.stringify(routeFromFilePath(scope === '' ? 'index.ts' : `${scope}/index.ts`).path)}, middleware: chain(mw${i}) }`);
}
