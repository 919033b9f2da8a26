// The server entry: a module that imports the app's handlers, middleware, modules, effects and
// config with the generated route table, validators and response serializers, and hands them to the runtime. esbuild
// bundles it into dist/server.mjs (see driver/bundle.ts).
import type { AppModel, RouteModel } from '../../model/app-model.js';
import type { GatiConfig } from '../../runtime-shim/config.js';
import { GENERATED_HEADER } from '../artifact.js';
import { engineArgs, type Runtime } from '../../model/engines.js';
import { routeFromFilePath } from '../../model/file-route.js';
import { nestingDepth } from '../../model/nesting-depth.js';

export const ENTRY_PATH = '.gati/cache/server-entry.mjs';

export interface EntryOptions {
  /** The config file relative to the app root when it is a script (imported, so it runs at start), else undefined. */
  configScript?: string;
  /** The loaded config, embedded when there is no script. */
  config: GatiConfig;
}

/** The config file when it is a script the entry imports (it runs at start), else undefined (the config is embedded). */
export function configScript(configFile: string | undefined): string | undefined {
  return configFile && /\.(m?ts|m?js)$/.test(configFile) ? configFile : undefined;
}

/** `.gati/cache/x.mjs` → the app root is two folders up. */
const fromEntry = (file: string) => `../../${file}`;

export function emitEntry(model: AppModel, options: EntryOptions): { path: string; contents: string } {
  const lines = [`// ${GENERATED_HEADER}`, "export { runMain, prepareApp, createLogger, launchOptions } from 'gati/runtime';"];
  const { imports, body } = entryParts(model, options);
  for (const [name, file] of imports) {
    if (name === 'versions') lines.push("import versions from 'gati:versions';");
    else if (name === 'validators') lines.push("import { routes as validators, effects as effectValidators, modules as moduleValidators, wireModules as moduleWireValidators } from '../../dist/validators/index.mjs';");
    else if (name === 'serializers') lines.push("import { routes as serializers } from '../../dist/serializers/index.mjs';");
    else if (name === '{ match }') lines.push("import { match } from '../../dist/router.mjs';");
    else lines.push(`import ${name === 'config' ? 'config' : `* as ${name}`} from ${JSON.stringify(fromEntry(file))};`);
  }
  for (const [name, pkg] of npmModules(options.config)) lines.push(`import * as ${name} from ${JSON.stringify(pkg)};`);
  lines.push(...body(`  root: (await import('node:url')).fileURLToPath(new URL('..', import.meta.url)),`, 'export const app = {'), '};', '');
  return { path: ENTRY_PATH, contents: lines.join('\n') };
}

/** Where `gati dev` writes its entry (see emitDevEntry), relative to the app root. */
export const DEV_ENTRY_PATH = '.gati/dev/entry.mjs';

/**
 * `gati dev`'s entry: the same app object as emitEntry's, made by `createApp(load, root)`, where
 * `load(file)` imports one of the app's files (relative to the root) as the dev server last built
 * it. The module itself only changes when the app's shape does (a route, a middleware, the
 * config), so a save that edits a handler re-imports that handler's module and nothing else.
 */
export function emitDevEntry(model: AppModel, options: EntryOptions): { path: string; contents: string; files: string[] } {
  const { imports, body } = entryParts(model, options);
  const names = imports.map(([name]) => (name === 'validators' ? '{ routes: validators, effects: effectValidators, modules: moduleValidators, wireModules: moduleWireValidators }' : name === 'serializers' ? '{ routes: serializers }' : name === 'versions' || name === 'config' ? `{ default: ${name} }` : name));
  const lines = [`// ${GENERATED_HEADER}`, 'export async function createApp(load, root) {'];
  // A gati module is loaded fresh (`true`): its in-memory state starts with each build, as its init and close pair up.
  const load = ([name, file]: [string, string]) => `load(${JSON.stringify(file)}${name.startsWith('mod') ? ', true' : ''})`;
  lines.push(`  const [${names.join(', ')}] = await Promise.all([${imports.map(load).join(', ')}]);`);
  // A package module is imported as it is (from the app's node_modules), like any package the app uses.
  for (const [name, pkg] of npmModules(options.config)) lines.push(`  const ${name} = await import(${JSON.stringify(pkg)});`);
  lines.push(...body('  root,', 'return {'), '};', '}', '');
  return { path: DEV_ENTRY_PATH, contents: lines.join('\n'), files: imports.map(([, file]) => file).filter((file) => !file.startsWith('dist/')) };
}

/** The `gati:versions` module as `gati dev` writes it, relative to the app root. */
export const DEV_VERSIONS_PATH = '.gati/cache/versions.mjs';

/** The config's npm modules as entry bindings (`npm0`) and package names, in name order. */
function npmModules(config: GatiConfig): [string, string][] {
  return npmNames(config).map((name, i) => [`npm${i}`, config.modules![name]!.npm!]);
}

function npmNames(config: GatiConfig): string[] {
  return Object.keys(config.modules ?? {}).filter((name) => config.modules![name]!.npm !== undefined).sort();
}

/**
 * What both entries are made of: the modules they import (a binding name and the file, relative
 * to the app root, in import order) and the app object's source, given its `root` line and opener.
 */
function entryParts(model: AppModel, options: EntryOptions): { imports: [string, string][]; body: (rootLine: string, open: string) => string[] } {
  const imports: [string, string][] = [['{ match }', 'dist/router.mjs'], ['validators', 'dist/validators/index.mjs'], ['serializers', 'dist/serializers/index.mjs'], ['versions', DEV_VERSIONS_PATH]];
  model.routes.forEach((route, i) => imports.push([`h${i}`, route.file]));
  model.middleware.forEach((m, i) => imports.push([`mw${i}`, m.file]));
  model.modules.forEach((m, i) => imports.push([`mod${i}`, m.file]));
  model.effects.forEach((e, i) => imports.push([`eff${i}`, e.file]));
  if (options.configScript) imports.push(['config', options.configScript]);
  const body = (rootLine: string, open: string): string[] => {
    const lines: string[] = [];
    // The server needs no `deploy` section; leaving it out keeps the image (and its tag) unchanged
    // when only deployment settings change. Only each environment's `effects` stays: a pod picks its
    // backend by GATI_ENV (runtime-shim/effects/effects-config.ts).
    const { deploy, ...rest } = options.config;
    const deployEffects = Object.entries(deploy ?? {}).filter(([, d]) => d.effects !== undefined).map(([env, d]) => [env, { effects: d.effects }]);
    const runtimeConfig = deployEffects.length ? { ...rest, deploy: Object.fromEntries(deployEffects) } : rest;
    if (!options.configScript) lines.push(`const config = ${JSON.stringify(runtimeConfig)};`);
    const mwIndex = new Map(model.middleware.map((m, i) => [m.file, i]));
    lines.push(
      '',
      '/**',
      ' * A `_middleware` file exports one middleware or an array of them. Each gets back the name it has in',
      ' * the source (the bundle may have renamed a clashing identifier), once, here: spans are named after it.',
      ' */',
      'const chain = (ns, names) => (ns.middleware === undefined ? [] : [].concat(ns.middleware)).map((f, i) => {',
      "  const name = names?.[i];",
      "  if (typeof f === 'function' && typeof name === 'string' && f.name !== name) Object.defineProperty(f, 'name', { value: name, configurable: true });",
      '  return f;',
      '});',
      ...model.middleware.map((m, i) => `const chain${i} = chain(mw${i}${m.names ? `, ${JSON.stringify(m.names)}` : ''});`),
      '',
    );
    lines.push(open, `  name: ${JSON.stringify(model.app.name)},`, rootLine, '  config: config ?? {},', '  match,', '  routes: [');
    model.routes.forEach((route, i) => lines.push(`    ${routeEntry(route, i, mwIndex, model.types)},`));
    const modules = [...model.modules.map((m, i) => `${JSON.stringify(m.name)}: mod${i}`), ...npmModules(options.config).map(([binding], i) => `${JSON.stringify(npmNames(options.config)[i])}: ${binding}`)];
    lines.push('  ],', `  modules: { ${modules.join(', ')} },`);
    // Config modules with types: the config says where they are; the build, which functions an
    // interface file (or an npm package's declarations) declares and their boundary validators
    // (an npm module's, in place; its wire-form ones for a swap of it to a URL or a command).
    const remote = (model.remoteModules ?? []).map((m) => {
      const wire = m.npm !== undefined ? `, wireValidators: moduleWireValidators[${JSON.stringify(m.name)}]` : '';
      return `${JSON.stringify(m.name)}: { functions: ${JSON.stringify(m.functions.map((f) => f.name))}, validators: moduleValidators[${JSON.stringify(m.name)}]${wire} }`;
    });
    lines.push(`  remoteModules: { ${remote.join(', ')} },`);
    lines.push(`  effects: [${model.effects.map((e, i) => `{ name: ${JSON.stringify(e.name)}, run: eff${i}.run, retry: ${JSON.stringify(e.retry)}, validate: effectValidators[${JSON.stringify(e.name)}]?.payload, revive: effectValidators[${JSON.stringify(e.name)}]?.revivePayload }`).join(', ')}],`);
    lines.push(`  folders: [${folderEntries(model).join(', ')}],`);
    lines.push('  versions,');
    return lines;
  };
  return { imports, body };
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
    launcher('dist/server.mjs', `\`${run} dist/server.mjs [start] [--port n] [--host h] [--workers n|auto] [--role all|api|worker]\` serves the app (and runs its effect jobs); PORT, HOST and GATI_ROLE come from the environment.`, ''),
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

function routeEntry(route: RouteModel, i: number, mwIndex: Map<string, number>, types: AppModel['types']): string {
  const statuses = Object.keys(route.output).map(Number);
  const hasBody = route.typed ? route.input.body !== undefined : !['GET', 'HEAD', 'OPTIONS'].includes(route.method);
  const middleware = route.middleware.map((file) => `...chain${mwIndex.get(file)}`).join(', ');
  // A body type that cannot nest deeply spares each request the nesting scan (model/nesting-depth.ts).
  const depth = route.typed && route.input.body !== undefined ? nestingDepth(route.input.body, types) : undefined;
  const bodyDepth = depth === undefined ? '' : `, bodyDepth: ${depth}`;
  return `{ key: ${JSON.stringify(route.key)}, method: ${JSON.stringify(route.method)}, path: ${JSON.stringify(route.path)}, typed: ${route.typed}, readsBody: ${hasBody}${bodyDepth}, statuses: ${JSON.stringify(statuses)}, handler: h${i}.handler, middleware: [${middleware}], validators: validators[${i}], serializers: serializers[${i}] }`;
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
    .map(({ i, scope }) => `{ path: ${JSON.stringify(routeFromFilePath(scope === '' ? 'index.ts' : `${scope}/index.ts`).path)}, middleware: chain${i} }`);
}
