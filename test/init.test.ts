// `gati init` as a new user runs it: a real scaffold in a temp folder, built by the real CLI,
// type-checked by the real tsc, served by `gati start` and called over HTTP, and its own
// generated node:test file run against it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers/paths.js';
import { gatiSync, removeDir, runServer } from './helpers/server.js';
import { appNameFromFolder } from '../bin/init/app-name.js';
import { packedFiles } from './helpers/install.js';
import { gatiDependency } from '../bin/init/gati-dependency.js';
import { tsc } from './helpers/tsc.js';

const workspace = mkdtempSync(join(tmpdir(), 'gati-init-'));

test.after(() => removeDir(workspace));

test("the new app's allowScripts approves every install script in gati's own dependency tree (npm 12 skips the others)", () => {
  const r = gatiSync(['init', 'scripts-app'], workspace);
  assert.is(r.status, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(join(workspace, 'scripts-app', 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  // What a user's `npm install` of gati brings: the lockfile's non-dev packages, those with an install script.
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> };
  const withScripts = Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.dev && p.hasInstallScript).map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  assert.ok(withScripts.includes('better-sqlite3'), 'the lockfile is read (better-sqlite3 builds its binding)');
  for (const name of withScripts) assert.is(pkg.allowScripts?.[name], true, `${name}'s install script is approved`);
});

test("npm's install-script check passes over gati from a folder or a tarball: its prepare (which compiles a checkout) is denied by the spec", () => {
  const r = gatiSync(['init', 'deny-app'], workspace);
  assert.is(r.status, 0, r.stderr);
  const dir = join(workspace, 'deny-app');
  const pkgFile = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies: Record<string, string>; allowScripts: Record<string, boolean> };
  const spec = pkg.dependencies.gati!;
  assert.is(pkg.allowScripts[spec], false, 'keyed by the spec as written in dependencies');
  // npm 11.16+ lists unreviewed install scripts at the end of an install; a dry run resolves the tree
  // (gati is a link to this checkout) and prints the same list without installing anything.
  const npmMajorMinor = spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
  if (npmMajorMinor[0]! < 11 || (npmMajorMinor[0] === 11 && npmMajorMinor[1]! < 16)) return console.log(`  (npm ${npmMajorMinor.join('.')} has no allowScripts check: only the entry was checked)`);
  const dryRun = () => spawnSync('npm', ['install', '--dry-run', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  const denied = dryRun();
  assert.is(denied.status, 0, denied.stderr);
  assert.not.match(denied.stderr, 'gati@', 'gati is not listed as unreviewed');
  delete pkg.allowScripts[spec];
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  assert.match(dryRun().stderr, /not yet covered by allowScripts:\n.*gati@[\d.]+ \(prepare: /, 'without the entry npm lists it (the check above can fail)');

  const tarball = gatiSync(['init', join(workspace, 'tarball-app'), '--gati', 'file:/opt/gati-0.1.0.tgz']);
  assert.is(tarball.status, 0, tarball.stderr);
  assert.equal(JSON.parse(readFileSync(join(workspace, 'tarball-app', 'package.json'), 'utf8')).allowScripts['file:/opt/gati-0.1.0.tgz'], false);
  const registry = gatiSync(['init', join(workspace, 'registry-app'), '--gati', '^0.1.0']);
  assert.is(registry.status, 0, registry.stderr);
  assert.equal(Object.keys(JSON.parse(readFileSync(join(workspace, 'registry-app', 'package.json'), 'utf8')).allowScripts), ['better-sqlite3', 'esbuild', 'msgpackr-extract'], 'a registry package runs no prepare: nothing to deny');
});

test('writes the app into a new folder and prints the next commands', () => {
  const r = gatiSync(['init', 'first-app'], workspace);
  assert.is(r.status, 0, r.stderr);
  const dir = join(workspace, 'first-app');
  for (const file of ['package.json', 'tsconfig.json', 'gati.config.ts', '.gitignore', 'README.md', 'src/handlers/hello.ts', 'src/handlers/todos/index.post.ts', 'src/handlers/todos/index.ts', 'src/modules/todos.ts', 'src/effects/todoCreated.ts', 'test/app.test.mjs']) {
    assert.ok(existsSync(join(dir, file)), `${file} is written`);
  }
  assert.not.ok(existsSync(join(dir, 'gitignore')), 'the template name is not copied as is');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
  assert.is(pkg.name, 'first-app');
  // Run from a checkout (outside any node_modules): the dependency is the checkout's path.
  assert.is(pkg.dependencies.gati, `file:${realpathSync(REPO).replace(/\/$/, '')}`);
  assert.match(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), "name: 'first-app'");
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /^# first-app\n/);
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { include: string[] };
  assert.ok(tsconfig.include.includes('.gati/generated'));
  assert.match(r.stdout, 'cd first-app\n  npm install\n  npx gati dev');
  assert.match(r.stdout, 'npm test');
});

test('refuses a folder that is not empty (exit 2) unless --force', () => {
  const dir = join(workspace, 'busy');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const refused = gatiSync(['init', dir]);
  assert.is(refused.status, 2);
  assert.match(refused.stderr, `gati init: ${dir} is not empty (notes.txt)`);
  assert.match(refused.stderr, '--force');
  assert.not.ok(existsSync(join(dir, 'package.json')), 'nothing is written when refused');

  const forced = gatiSync(['init', dir, '--force', '--gati', '^0.1.0']);
  assert.is(forced.status, 0, forced.stderr);
  assert.is(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine', 'other files are left alone');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.is(pkg.dependencies.gati, '^0.1.0', '--gati chooses the dependency');

  const file = join(workspace, 'a-file');
  writeFileSync(file, '');
  assert.is(gatiSync(['init', file]).status, 2);
});

test('the gati dependency: the path of a checkout or link, the version of an installed copy', () => {
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const installed = join(workspace, 'app-with-copy', 'node_modules', 'gati');
  mkdirSync(installed, { recursive: true });
  assert.is(gatiDependency(installed), `^${version}`);
  const linked = join(workspace, 'app-with-link', 'node_modules');
  mkdirSync(linked, { recursive: true });
  symlinkSync(REPO, join(linked, 'gati'), 'dir'); // what npm link and folder installs make
  assert.is(gatiDependency(join(linked, 'gati')), `file:${realpathSync(REPO)}`);
});

test('the app name is the folder name made a valid npm name', () => {
  assert.is(appNameFromFolder('My Shop API'), 'my-shop-api');
  assert.is(appNameFromFolder('_private.app'), 'private.app');
  assert.is(appNameFromFolder('orders'), 'orders');
  assert.is(appNameFromFolder('---'), undefined);
  const r = gatiSync(['init', 'My Shop'], workspace);
  assert.is(r.status, 0, r.stderr);
  const pkg = JSON.parse(readFileSync(join(workspace, 'My Shop', 'package.json'), 'utf8')) as { name: string };
  assert.is(pkg.name, 'my-shop');
  assert.match(r.stdout, 'cd "My Shop"');
});

test('the scaffold builds, type-checks, serves its routes and passes its own test', async () => {
  const dir = join(workspace, 'demo');
  assert.is(gatiSync(['init', dir]).status, 0);
  // What `npm install` does with `"gati": "file:<checkout>"`: node_modules/gati links to the checkout.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'gati'), 'dir');
  // And its devDependency @types/node (typescript is run from here); nothing else: Gati's runtime
  // dependencies (better-sqlite3 for the effect) come through the link.
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  assert.ok(pkg.devDependencies['@types/node'], 'the scaffold depends on the Node types');
  symlinkSync(join(REPO, 'node_modules', '@types'), join(dir, 'node_modules', '@types'), 'dir');
  const gatiBin = join(dir, 'node_modules/gati/bin/gati.mjs');

  const build = spawnSync(process.execPath, [gatiBin, 'build'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(build.status, 0, build.stderr + build.stdout);
  assert.match(build.stdout, 'demo: 3 routes, 1 module, 1 effect');
  assert.ok(existsSync(join(dir, '.gati/generated/context.ts')));

  // App code reads the environment, as docs/middleware.md does with bearerAuth's tokens.
  writeFileSync(join(dir, 'src/env.ts'), "export const apiToken: string | undefined = process.env.API_TOKEN;\n");
  const typecheck = tsc(dir, { noEmit: true });
  assert.is(typecheck.status, 0, typecheck.stdout);

  const app = await runServer([gatiBin, 'start', dir], dir);
  try {
    const created = await fetch(`${app.url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'ship it' }) });
    assert.is(created.status, 201);
    const todo = (await created.json()) as { id: string; title: string; done: boolean; createdAt: string };
    assert.is(todo.title, 'ship it');
    assert.is(todo.done, false, 'the @default fills the missing key');
    assert.ok(!Number.isNaN(Date.parse(todo.createdAt)), 'a Date leaves as an ISO string');

    const listed = await fetch(`${app.url}/todos?done=false`);
    assert.is(listed.status, 200);
    assert.equal(((await listed.json()) as { items: { id: string }[] }).items.map((item) => item.id), [todo.id]);

    const hello = await fetch(`${app.url}/hello?name=Ada`);
    assert.equal(await hello.json(), { message: 'Hello, Ada!' });

    const invalid = await fetch(`${app.url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 42 }) });
    assert.is(invalid.status, 400);
    assert.match(invalid.headers.get('content-type') ?? '', 'application/problem+json');

    // The generated test, pointed at this server through BASE_URL.
    const against = spawnSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8', env: { ...process.env, BASE_URL: app.url } });
    assert.is(against.status, 0, against.stdout + against.stderr);
    assert.match(against.stdout, '# pass 3');
  } finally {
    await app.stop();
  }
  // And as `npm test` runs it: the test starts `gati start` itself on a free port.
  const own = spawnSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8' });
  assert.is(own.status, 0, own.stdout + own.stderr);
  assert.match(own.stdout, '# pass 3');
  assert.match(own.stdout, '# fail 0');

  // `npx gati dev` serves the same routes (last: its dev bundle replaces the one `gati start` serves).
  const dev = await runServer([gatiBin, 'dev', dir], dir);
  try {
    const hello = await fetch(`${dev.url}/hello`);
    assert.equal(await hello.json(), { message: 'Hello, world!' });
  } finally {
    await dev.stop();
  }
});

test('.gitignore keeps build outputs and local state out, and the version snapshots in', () => {
  const dir = join(workspace, 'demo'); // built and served by the previous test
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  assert.is(git('init', '-q').status, 0);
  assert.is(git('add', '-A').status, 0);
  const tracked = git('ls-files').stdout.split('\n').filter(Boolean);
  assert.ok(tracked.some((file) => /^\.gati\/versions\/.+\.json$/.test(file)), `the first API version is committed: ${tracked.join(', ')}`);
  for (const file of tracked) {
    assert.not.match(file, /^(dist|sdk|infra|node_modules)\/|^\.gati\/(cache|data|generated)\/|^\.gati\/model\.json$/, `${file} is a build output or local state`);
  }
  assert.ok(existsSync(join(dir, '.gati/data')), 'the effects database was there to ignore');
});

test('the published package holds every template file (npm would drop a file named .gitignore)', () => {
  const templates = spawnSync('git', ['ls-files', 'templates'], { cwd: REPO, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  assert.ok(templates.includes('templates/app/gitignore'));
  const packed = new Set(packedFiles());
  assert.equal(templates.filter((file) => !packed.has(file)), []);
});

test.run();
