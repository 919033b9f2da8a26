#!/usr/bin/env node
// The production image's content above its base image, for fixtures/payments (SQLite effects),
// without Docker: the files the Dockerfile's final stage copies, reproduced in a temp folder.
//
//   node bench/image-size.mjs
//
// after:  what dist/Dockerfile copies now: `gati runtime-deps` (run here exactly as its dependencies
//         stage runs it) + dist/ + package.json.
// before: what the earlier Dockerfile copied: `npm ci --omit=dev` of the app, i.e. the gati package
//         (its `npm pack` files) and its whole production dependency tree (`npm ls --omit=dev --all`),
//         + dist/ + package.json. Counted from this checkout's node_modules; a native addon counts
//         as a prebuilt install ships it (its package files and the `.node`, without the compiler's
//         intermediate files of a build from source).
// Target: ≤ 60 MB above the Node base image.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { REPO, paymentsApp } from './payments-app.mjs';
const GATI = join(REPO, 'bin', 'gati.mjs');
const MB = 1e6;

/** Bytes of the regular files under `dir`; `skip(rel, isDir)` leaves parts out. */
function size(dir, skip = () => false) {
  let total = 0;
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const rel = relative(dir, full);
      if (skip(rel, entry.isDirectory())) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += lstatSync(full).size;
    }
  };
  walk(dir);
  return total;
}

/** A package folder without its nested node_modules (counted as packages of their own) nor build intermediates. */
const packageFiles = (dir) => size(dir, (rel, isDir) => rel.split(sep)[0] === 'node_modules' || (rel.startsWith(`build${sep}`) && !isDir && !rel.endsWith('.node')));

// The app: fixtures/payments as a folder install (node_modules/gati → this checkout), built.
const work = mkdtempSync(join(tmpdir(), 'gati-image-size-'));
const app = paymentsApp(join(work, 'app'));
const built = spawnSync(process.execPath, [GATI, 'build', app, '--silent'], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(built.stderr + built.stdout);
const distBytes = size(join(app, 'dist')) + lstatSync(join(app, 'package.json')).size;

// after
const image = join(work, 'image');
const deps = spawnSync(process.execPath, [GATI, 'runtime-deps', app, '--out', image], { encoding: 'utf8' });
if (deps.status !== 0) throw new Error(deps.stderr);
const afterModules = size(join(image, 'node_modules'));
const afterPackages = readdirSync(join(image, 'node_modules')).flatMap((n) => (n.startsWith('@') ? readdirSync(join(image, 'node_modules', n)).map((m) => `${n}/${m}`) : [n]));

// before
const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
const tree = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  .split('\n').filter((p) => p && p !== REPO && existsSync(p));
const unique = [...new Set(tree)];
const beforeModules = packed.unpackedSize + unique.reduce((sum, dir) => sum + packageFiles(dir), 0);

const row = (label, modules, packages) => `| ${label} | ${(modules / MB).toFixed(1)} | ${(distBytes / MB).toFixed(1)} | ${((modules + distBytes) / MB).toFixed(1)} | ${packages} |`;
console.log(`# fixtures/payments image content above the base image (node_modules + dist/ + package.json), MB = 10^6 bytes\n`);
console.log('| image | node_modules | dist/ + package.json | total | packages |\n|---|---:|---:|---:|---:|');
console.log(row('before: npm ci --omit=dev (gati and its whole tree)', beforeModules, unique.length + 1));
console.log(row('after: gati runtime-deps', afterModules, afterPackages.length));
const after = (afterModules + distBytes) / MB;
console.log(`\nafter/before ${(after / ((beforeModules + distBytes) / MB)).toFixed(2)}×; after ${after.toFixed(1)} MB (target ≤ 60 MB: ${after <= 60 ? 'PASS' : 'FAIL'})`);
console.log(`after's packages: ${afterPackages.sort().join(', ')}`);
rmSync(work, { recursive: true, force: true });
