// Gati installed the ways users install it, end to end: a folder install / `npm link` (the app's
// node_modules holds only a symlink to the checkout) and pnpm's isolated layout build the payments
// app and serve it with `gati start` and `node dist/server.mjs`, and its SQLite effect runs: the
// server bundle finds better-sqlite3 through the gati package, not beside the app. Then the lean
// image's contents (`gati runtime-deps` + dist/) serve the same app without the compiler, and
// `gati start --runtime bun` finds a Bun that is only on the PATH.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers/paths.js';
import { removeDir, runServer } from './helpers/server.js';
import { appGati, capturePayment, pnpmApp, symlinkedApp } from './helpers/install.js';

const gati = (dir: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [appGati(dir), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

/** A new app in that layout, built by its own gati. */
function builtApp(make: () => string): string {
  const dir = make();
  const built = gati(dir, ['build', '.']);
  assert.is(built.status, 0, built.stderr + built.stdout);
  return dir;
}

const layouts = { 'folder install (symlink to the checkout)': symlinkedApp, 'pnpm layout': pnpmApp };

for (const [name, make] of Object.entries(layouts)) {
  const layout = suite(name);
  let dir: string;
  layout.before(() => {
    dir = builtApp(make);
    assert.equal(readdirSync(join(dir, 'node_modules')).filter((f) => f !== '.pnpm'), ['gati'], 'nothing but gati beside the app');
  });
  layout.after(() => removeDir(dir));

  for (const command of [[appGati('.'), 'start', '.'], ['dist/server.mjs']]) {
    layout(`${command.includes('start') ? 'gati start' : 'node dist/server.mjs'}: the capture's SQLite effect settles the payment`, async () => {
      const server = await runServer(command, dir);
      try {
        assert.equal(await capturePayment(server.url), { created: 201, capture: 202, status: 'captured' }, server.output());
      } finally {
        await server.stop('SIGTERM');
      }
    });
  }
  layout.run();
}

const image = suite('the lean image: gati runtime-deps + dist/');
let app: string;
let root: string;
image.before(() => {
  app = builtApp(symlinkedApp);
  root = mkdtempSync(join(tmpdir(), 'gati-image-'));
  // What dist/Dockerfile's stages do: runtime-deps in the dependencies stage, then dist/ and package.json.
  const deps = gati(app, ['runtime-deps', '.', '--out', root]);
  assert.is(deps.status, 0, deps.stderr);
  assert.match(deps.stdout, /wrote .*node_modules: \d+ files, [\d.]+ MB \(the runtime dependencies of dist\/ on node\)/);
  cpSync(join(app, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(app, 'package.json'), join(root, 'package.json'));
});
image.after(() => {
  removeDir(app);
  removeDir(root);
});

image('holds the runtime dependencies and gati\'s package.json, not the compiler', () => {
  const modules = readdirSync(join(root, 'node_modules'));
  for (const present of ['better-sqlite3', 'bullmq', 'ioredis', 'bindings', 'prom-client', 'tdigest']) assert.ok(modules.includes(present), present);
  for (const absent of ['typescript', 'esbuild', 'cdk8s', 'cdk8s-plus-33', 'ajv', 'yaml', 'prebuild-install']) assert.not.ok(modules.includes(absent), absent);
  assert.equal(readdirSync(join(root, 'node_modules', 'gati')), ['package.json']);
  assert.ok(existsSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
  assert.not.ok(existsSync(join(root, 'node_modules/better-sqlite3/deps')), 'no SQLite sources');
});

image('node dist/server.mjs serves the app and runs the SQLite effect from there, with the arguments the Kubernetes manifests pass', async () => {
  const server = await runServer(['dist/server.mjs', 'start', '--role', 'all', '--workers', '1'], root);
  try {
    assert.equal(await capturePayment(server.url), { created: 201, capture: 202, status: 'captured' }, server.output());
    // prom-client came with the runtime dependencies: the admin port serves the metrics.
    const metrics = await fetch(String(server.logs.find((l) => l.msg === 'listening')?.metrics));
    assert.match(await metrics.text(), /gati_effect_jobs_total\{effect="capturePayment",outcome="completed"\} 1/);
  } finally {
    await server.stop('SIGTERM');
  }
});

image('the worker pods\' arguments (start --role worker) run the effect worker, probed on PORT', async () => {
  const server = await runServer(['dist/server.mjs', 'start', '--role', 'worker'], root);
  try {
    assert.is(server.logs.find((l) => l.msg === 'listening')?.role, 'worker');
    assert.is((await fetch(`${server.url}/_ready`)).status, 200);
    assert.is((await fetch(`${server.url}/payments`)).status, 404, 'no routes in the worker role');
  } finally {
    await server.stop('SIGTERM');
  }
});

image('for a Bun build: no better-sqlite3 (Bun opens SQLite with its node:sqlite)', () => {
  const out = mkdtempSync(join(tmpdir(), 'gati-image-bun-'));
  const runtimeFile = join(app, 'dist', 'runtime.json');
  try {
    writeFileSync(runtimeFile, JSON.stringify({ runtime: 'bun' }));
    const deps = gati(app, ['runtime-deps', '.', '--out', out]);
    assert.is(deps.status, 0, deps.stderr);
    const modules = readdirSync(join(out, 'node_modules'));
    assert.not.ok(modules.includes('better-sqlite3'));
    assert.ok(modules.includes('bullmq') && modules.includes('ioredis'));
  } finally {
    writeFileSync(runtimeFile, JSON.stringify({ runtime: 'node' }));
    removeDir(out);
  }
});

image('the launcher refuses a bad command line with exit code 2', () => {
  const bad = spawnSync(process.execPath, ['dist/server.mjs', '--role', 'boss'], { cwd: root, encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, '--role must be all, api or worker, got "boss"');
  const extra = spawnSync(process.execPath, ['dist/server.mjs', 'serve'], { cwd: root, encoding: 'utf8' });
  assert.is(extra.status, 2);
  assert.match(extra.stderr, "unexpected argument 'serve'");
});
image.run();

const engines = suite('gati start --runtime bun: the engine on the PATH');
let pnpm: string;
let bin: string;
engines.before(() => {
  pnpm = builtApp(pnpmApp);
  bin = mkdtempSync(join(tmpdir(), 'gati-path-'));
});
engines.after(() => {
  removeDir(pnpm);
  removeDir(bin);
});

engines('without bun in any node_modules/.bin nor on the PATH: an error naming both ways to install it', () => {
  const missing = gati(pnpm, ['start', '.', '--runtime', 'bun'], { PATH: bin });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'npm install --save-dev bun');
  assert.match(missing.stderr, 'on the PATH');
});

engines('a bun linked from a PATH folder serves the app, and gati start says which one it used', async () => {
  mkdirSync(join(bin, 'tools'));
  symlinkSync(realpathSync(join(REPO, 'node_modules/.bin/bun')), join(bin, 'tools', 'bun'));
  const server = await runServer([appGati(pnpm), 'start', '.', '--runtime', 'bun'], pnpm, { PATH: join(bin, 'tools') });
  try {
    assert.match(server.output(), `gati start: running on bun from PATH: ${join(bin, 'tools', 'bun')}`);
    assert.is(server.logs.find((l) => l.msg === 'listening')?.engine, 'bun');
    assert.is((await fetch(`${server.url}/_ready`)).status, 200);
  } finally {
    await server.stop('SIGTERM');
  }
});
engines.run();
