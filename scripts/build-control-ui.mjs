// Builds the control panel's single-page app (control-ui/) into lib/control-ui/: index.html and
// assets/app.js + app.css, minified for ES2020 browsers, with no source maps (the runtime serves these
// files under /_control; an app's build copies them into its dist/control-ui). Type-checks first.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

export async function buildControlUi({ typecheck = true } = {}) {
  if (typecheck) {
    const tsc = require.resolve('typescript/bin/tsc');
    const checked = spawnSync(process.execPath, [tsc, '-p', 'control-ui/tsconfig.json'], { cwd: root, stdio: 'inherit' });
    if (checked.status !== 0) return false;
  }
  const out = join(root, 'lib', 'control-ui');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const esbuild = await import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: 'control-ui/main.tsx' },
    outdir: join(out, 'assets'),
    bundle: true,
    // The playground page (its engine and QuickJS's loader) is a chunk of its own, loaded when it opens.
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await esbuild.build({ absWorkingDir: root, entryPoints: { app: 'control-ui/app.css' }, outdir: join(out, 'assets'), bundle: true, minify: true, logLevel: 'warning' });
  copyFileSync(join(root, 'control-ui', 'index.html'), join(out, 'index.html'));
  // The playground's sandbox (QuickJS as WebAssembly), fetched by that page only.
  copyFileSync(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'), join(out, 'assets', 'quickjs.wasm'));
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit((await buildControlUi()) ? 0 : 1);
