// Bundles the generated server entry with esbuild into dist/server.mjs (+ source map, so stack
// traces point at the user's .ts lines). Gati's runtime and the validators' AJV helpers are
// bundled in; the app's own npm dependencies stay external (native ones must, and node_modules
// ships beside dist/ in a deployment). A Bundler keeps esbuild's incremental context for watch.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
 * `gati dev` leaves the generated route table (dist/router.mjs) and the validators
 * (dist/validators/index.mjs and the per-route modules it imports) out of the bundle: the entry
 * imports them by file URL with their content hash in the query, so esbuild re-bundles only the
 * app's own code, and a reload imports them again only when they changed (ESM caches modules by
 * URL). The per-route modules carry a content hash in their names already.
 */
function devGeneratedPlugin(root: string): Plugin {
  const entry = join(root, ENTRY_PATH);
  return {
    name: 'gati-dev-generated',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/\.\.\/dist\/(router|validators\/index)\.mjs$/ }, (args) => {
        if (args.importer !== entry) return undefined;
        const file = join(dirname(entry), args.path);
        const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
        return { path: `${pathToFileURL(file).href}?h=${hash}`, external: true };
      });
    },
  };
}

/**
 * Bare imports in `gati dev`, resolved by esbuild itself (a plugin callback per import would cost a
 * round trip to this process for each of the app's files): `gati`, `gati/runtime` and
 * `gati/middleware` are aliases of Gati's own files, the validators' AJV helpers come from Gati's
 * dependencies (the one plugin call left, rare in an app's own code), every other package is
 * external. `gati build` resolves the same way through resolvePlugin.
 */
const devBundledPackagesPlugin: Plugin = {
  name: 'gati-bundled-packages',
  setup(build) {
    build.onResolve({ filter: BUNDLED_PACKAGES }, (args) => ({ path: require.resolve(args.path) }));
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
    ...(dev
      ? { plugins: [versionsPlugin(root), devGeneratedPlugin(root), devBundledPackagesPlugin], alias: GATI_ENTRIES, packages: 'external' as const }
      : { plugins: [versionsPlugin(root), resolvePlugin] }),
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

  /** `dev`: the route table and validators stay outside the bundle (see devGeneratedPlugin). */
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
