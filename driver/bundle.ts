// Bundles the generated server entry with esbuild into dist/server.mjs (+ source map, so stack
// traces point at the user's .ts lines). Gati's runtime and the validators' AJV helpers are
// bundled in; the app's own npm dependencies stay external (native ones must, and node_modules
// ships beside dist/ in a deployment). A Bundler keeps esbuild's incremental context for watch;
// the dev loop's bundle holds the app's own code only (see devOptions).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildContext, BuildOptions, BuildResult, OutputFile, Plugin } from 'esbuild';
import { DEV_VERSIONS_PATH, ENTRY_PATH } from '../emitters/bundle/entry.js';
import { NO_VERSIONS_MODULE, versionsModule, versionsModuleValidators } from '../emitters/versions/runtime-module.js';
import { VERSIONS_MANIFEST } from '../emitters/versions/index.js';

const require = createRequire(import.meta.url);
const LIB = fileURLToPath(new URL('..', import.meta.url));
export const GATI_ENTRIES: Record<string, string> = {
  gati: join(LIB, 'runtime-shim/index.js'),
  'gati/runtime': join(LIB, 'runtime-shim/server/index.js'),
  'gati/middleware': join(LIB, 'runtime-shim/middleware/index.js'),
};
/** Packages the generated validators import; resolved from Gati's own dependencies. */
const BUNDLED_PACKAGE_NAMES = ['ajv', 'ajv-formats', 'fast-uri', 'fast-deep-equal', 'json-schema-traverse'];
const BUNDLED_PACKAGES = new RegExp(`^(${BUNDLED_PACKAGE_NAMES.join('|')})(/|$)`);

const resolvePlugin: Plugin = {
  name: 'gati-resolve',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path in GATI_ENTRIES) return { path: GATI_ENTRIES[args.path]! };
      if (BUNDLED_PACKAGES.test(args.path)) return { path: require.resolve(args.path) };
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      return { path: args.path, external: true };
    });
  },
};

/**
 * `gati:versions`: the API versions the server serves. The driver makes the module's source before
 * bundling (versionsSource) from the dist/versions.json this build emits, else the one on disk
 * (`gati dev` records nothing and uses the one the last build left, if any); the plugin only
 * hands it to esbuild. See emitters/versions/runtime-module.ts.
 */
function versionsPlugin(root: string, source: () => string): Plugin {
  return {
    name: 'gati-versions',
    setup(build) {
      build.onResolve({ filter: /^gati:versions$/ }, () => ({ path: 'versions', namespace: 'gati-versions' }));
      build.onLoad({ filter: /.*/, namespace: 'gati-versions' }, () => ({ contents: source(), loader: 'js', resolveDir: root, watchFiles: [join(root, VERSIONS_MANIFEST)] }));
    },
  };
}

/**
 * The `gati:versions` module's source (imports relative to the app root) for `manifestText`, the
 * dist/versions.json this build emitted, else the app's current one on disk, else none.
 */
export function versionsSource(root: string, manifestText?: string): string {
  const manifest = join(root, VERSIONS_MANIFEST);
  if (manifestText === undefined && !existsSync(manifest)) return NO_VERSIONS_MODULE;
  const text = manifestText ?? readFileSync(manifest, 'utf8');
  // `gati build` writes the old versions' validators with the manifest: said plainly if one is missing.
  const missing = versionsModuleValidators(text).find((file) => !existsSync(join(root, file)));
  if (missing) throw new Error(`${missing} is missing (the validators of an old API version): run \`gati build\` to write it`);
  return versionsModule(text);
}

const common = (root: string): BuildOptions => ({
  absWorkingDir: root,
  entryPoints: { app: join(root, ENTRY_PATH) },
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'silent',
  // No keepNames: it wraps every named function the bundle creates, per request too (a log child,
  // a module call, the middleware chain: several µs per request). Middleware get the names they
  // have in the source back once, at start (emitters/bundle/entry.ts), for their spans.
  // Bundled CommonJS (AJV's helpers) calls require(); give ESM one.
  banner: { js: "import { createRequire as __gatiRequire } from 'node:module'; const require = __gatiRequire(import.meta.url);" },
});

/** `gati build`: one self-contained bundle, dist/app.mjs, behind the dist/server.mjs launcher. */
function buildOptions(root: string, versions: () => string): BuildOptions {
  return { ...common(root), plugins: [versionsPlugin(root, versions), resolvePlugin] };
}

/** The generated modules `gati dev` leaves out of its bundle (see devOptions), relative to dist/. */
const DEV_EXTERNAL = ['router.mjs', 'validators/index.mjs', 'serializers/index.mjs'];

/**
 * `gati dev` bundles only the app's own code (and Gati's runtime), and with no plugin: esbuild
 * resolves everything itself, so a rebuild never waits for this process, which is busy analysing
 * the same edit meanwhile (see RebuildLoop). `gati`, `gati/runtime`, `gati/middleware`, the AJV
 * helpers and `gati:versions` are aliases of files, other packages are external as in
 * resolvePlugin. The route table (dist/router.mjs), the validators and the response serializers
 * (dist/validators/index.mjs, dist/serializers/index.mjs and their per-route modules, whose names
 * carry a content hash) are external too: the written
 * bundle imports them with their content hash in the URL (see pinGenerated), so a reload imports
 * them again only when they changed, and esbuild never re-reads them.
 */
function devOptions(root: string): BuildOptions {
  const packageDirs = Object.fromEntries(BUNDLED_PACKAGE_NAMES.map((name) => [name, dirname(require.resolve(`${name}/package.json`))]));
  return {
    ...common(root),
    write: false,
    metafile: true,
    alias: { ...GATI_ENTRIES, ...packageDirs, 'gati:versions': join(root, DEV_VERSIONS_PATH) },
    packages: 'external',
    external: DEV_EXTERNAL.map((file) => join(root, 'dist', file)),
  };
}

/** esbuild writes a dev external as a path relative to dist/ (`"./router.mjs"`); add its content hash. */
function pinGenerated(root: string, code: string): string {
  let out = code;
  for (const file of DEV_EXTERNAL) {
    const specifier = `from "./${file}";`;
    if (!out.includes(specifier)) throw new Error(`the dev bundle does not import ${file} as expected (${specifier})`);
    const hash = createHash('sha256').update(readFileSync(join(root, 'dist', file))).digest('hex').slice(0, 12);
    out = out.replace(specifier, `from "./${file}?h=${hash}";`);
  }
  return out;
}

/**
 * `gati:versions` as a file for the dev bundle: the module versionsPlugin generates, with its
 * imports (written relative to the app root) made relative to .gati/cache. Rewritten only when
 * dist/versions.json changed.
 */
export class DevVersionsModule {
  private written: string | undefined;

  constructor(private readonly root: string) {}

  /** dist/versions.json's size and time when the module was last made ('' without one): parsing it costs ~0.1 s on a large app. */
  private manifestStamp: string | undefined;

  /** True when it wrote the module (its text changed). */
  update(): boolean {
    const stamp = statStamp(join(this.root, VERSIONS_MANIFEST));
    if (stamp === this.manifestStamp) return false;
    const text = versionsSource(this.root).replace(/^(import .* from )(['"])\.\//gm, '$1$2../../');
    this.manifestStamp = stamp;
    // At a start, the file a former run wrote: the same text is not news (its module need not be compiled again).
    this.written ??= readOrUndefined(join(this.root, DEV_VERSIONS_PATH));
    if (text === this.written) return false;
    writeAtomically(join(this.root, DEV_VERSIONS_PATH), text);
    this.written = text;
    return true;
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A file's size and modification time, or '' when it cannot be stat'ed. */
export function statStamp(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return '';
  }
}

export function writeAtomically(file: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, file);
}

export interface BundleResult {
  ok: boolean;
  errors: { text: string; file?: string; line?: number; column?: number }[];
  ms: number;
  /** dev: the files the bundle was made of, relative to the app root (esbuild's metafile). */
  inputs?: Set<string>;
}

export function failure(error: unknown, started: number): BundleResult {
  const errors = ((error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [{ text: String(error) }]).map((e) => ({
    text: e.text,
    file: e.location?.file,
    line: e.location?.line,
    column: e.location ? e.location.column + 1 : undefined,
  }));
  return { ok: false, errors, ms: performance.now() - started };
}

export interface BundlerOptions {
  /**
   * `gati dev`: only the app's own code is bundled (see devOptions), and build() keeps the bundle
   * in memory: write() puts it in dist/, so a bundle made while the analysis runs can be dropped.
   */
  dev?: boolean;
  /** The dist/versions.json this build emitted (its text), when it emitted one; else the one on disk is used. */
  versionsManifest?: string;
}

export class Bundler {
  private context: BuildContext | undefined;
  private readonly versions: DevVersionsModule | undefined;
  private readonly dev: boolean;
  /** build: the `gati:versions` module's source, made before each bundle (see versionsSource). */
  private versionsModule = NO_VERSIONS_MODULE;
  /** dev: the last good bundle, held until write(). */
  private output: OutputFile[] | undefined;

  constructor(private readonly root: string, private readonly options: BundlerOptions = {}) {
    this.dev = options.dev ?? false;
    if (this.dev) this.versions = new DevVersionsModule(root);
  }

  /**
   * Bundles the app. Once the context exists (every build after the first), the rebuild request
   * is on its way to esbuild's process when this returns, so the bundle is made while the caller
   * keeps this thread busy (the dev bundle needs no plugin callback from it).
   */
  build(): Promise<BundleResult> {
    const started = performance.now();
    this.output = undefined;
    try {
      // esbuild reports a plugin's error by its message; the module is made here now, reported alike.
      if (!this.dev) this.versionsModule = versionsSource(this.root, this.options.versionsManifest);
    } catch (error) {
      return Promise.resolve(failure({ errors: [{ text: (error as Error).message }] }, started));
    }
    try {
      this.versions?.update();
      if (this.context) return this.settle(this.context.rebuild(), started);
    } catch (error) {
      return Promise.resolve(failure(error, started));
    }
    return import('esbuild')
      .then(async (esbuild) => {
        this.context = await esbuild.context(this.dev ? devOptions(this.root) : buildOptions(this.root, () => this.versionsModule));
        return this.settle(this.context.rebuild(), started);
      })
      .catch((error: unknown) => failure(error, started));
  }

  private async settle(rebuild: Promise<BuildResult>, started: number): Promise<BundleResult> {
    try {
      const result = await rebuild;
      this.output = result.outputFiles;
      const inputs = result.metafile ? new Set(Object.keys(result.metafile.inputs)) : undefined;
      return { ok: true, errors: [], ms: performance.now() - started, inputs };
    } catch (error) {
      return failure(error, started);
    }
  }

  /** dev: writes the last good bundle (dist/app.mjs and its map), pinned to the current route table and validators. */
  write(): void {
    if (!this.output) throw new Error('Bundler.write(): no bundle to write');
    for (const file of [...this.output].sort((a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')))) {
      writeAtomically(file.path, file.path.endsWith('.mjs') ? pinGenerated(this.root, file.text) : file.contents);
    }
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    this.context = undefined;
  }
}

export const SERVER_BUNDLE = 'dist/server.mjs';
