// Bundles the generated server entry with esbuild into dist/server.mjs (+ source map, so stack
// traces point at the user's .ts lines). Gati's runtime and the validators' AJV helpers are
// bundled in; the app's own npm dependencies stay external (native ones must, and node_modules
// ships beside dist/ in a deployment). A Bundler keeps esbuild's incremental context for watch.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildContext, BuildOptions, Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { ENTRY_PATH } from '../emitters/bundle/entry.js';
import { NO_VERSIONS_MODULE, versionsModule } from '../emitters/versions/runtime-module.js';

const require = createRequire(import.meta.url);
const LIB = fileURLToPath(new URL('..', import.meta.url));
const GATI_ENTRIES: Record<string, string> = {
  gati: join(LIB, 'runtime-shim/index.js'),
  'gati/runtime': join(LIB, 'runtime-shim/server/index.js'),
  'gati/middleware': join(LIB, 'runtime-shim/middleware/index.js'),
};
/** Packages the generated validators import; resolved from Gati's own dependencies. */
const BUNDLED_PACKAGES = /^(ajv|ajv-formats|fast-uri|fast-deep-equal|json-schema-traverse)(\/|$)/;

/**
 * `gati dev` leaves the per-route validator modules out of the bundle and imports them by
 * absolute path: their names carry a content hash, so a reload loads only the modules an edit
 * changed, and esbuild re-bundles only the app's own code.
 */
const externalValidatorsPlugin: Plugin = {
  name: 'gati-external-validators',
  setup(build) {
    build.onResolve({ filter: /^\.\/.*\.[0-9a-f]{10}\.mjs$/ }, (args) =>
      args.importer.endsWith(`${'/'}validators${'/'}index.mjs`) ? { path: join(dirname(args.importer), args.path), external: true } : undefined,
    );
  },
};

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
 * `gati:versions`: the API versions the server serves, read from dist/versions.json when it exists
 * at bundle time (`gati build` writes it before bundling; `gati dev` records nothing and uses the
 * one the last build left, if any). See emitters/versions/runtime-module.ts.
 */
function versionsPlugin(root: string): Plugin {
  return {
    name: 'gati-versions',
    setup(build) {
      build.onResolve({ filter: /^gati:versions$/ }, () => ({ path: 'versions', namespace: 'gati-versions' }));
      build.onLoad({ filter: /.*/, namespace: 'gati-versions' }, () => {
        const file = join(root, 'dist/versions.json');
        const contents = existsSync(file) ? versionsModule(readFileSync(file, 'utf8')) : NO_VERSIONS_MODULE;
        return { contents, loader: 'js', resolveDir: root, watchFiles: [file] };
      });
    },
  };
}

function options(root: string, dev: boolean): BuildOptions {
  return {
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
    plugins: dev ? [versionsPlugin(root), externalValidatorsPlugin, resolvePlugin] : [versionsPlugin(root), resolvePlugin],
    // Bundled CommonJS (AJV's helpers) calls require(); give ESM one.
    banner: { js: "import { createRequire as __gatiRequire } from 'node:module'; const require = __gatiRequire(import.meta.url);" },
  };
}

export interface BundleResult {
  ok: boolean;
  errors: { text: string; file?: string; line?: number; column?: number }[];
  ms: number;
}

export class Bundler {
  private context: BuildContext | undefined;

  /** `dev`: validators stay outside the bundle (see externalValidatorsPlugin). */
  constructor(private readonly root: string, private readonly dev = false) {}

  async build(): Promise<BundleResult> {
    const started = performance.now();
    const esbuild = await import('esbuild');
    try {
      this.context ??= await esbuild.context(options(this.root, this.dev));
      await this.context.rebuild();
      return { ok: true, errors: [], ms: performance.now() - started };
    } catch (error) {
      const errors = ((error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [{ text: String(error) }]).map((e) => ({
        text: e.text,
        file: e.location?.file,
        line: e.location?.line,
        column: e.location ? e.location.column + 1 : undefined,
      }));
      return { ok: false, errors, ms: performance.now() - started };
    }
  }

  async dispose(): Promise<void> {
    await this.context?.dispose();
    this.context = undefined;
  }
}

export const SERVER_BUNDLE = 'dist/server.mjs';
