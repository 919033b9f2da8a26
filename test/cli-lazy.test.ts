// `gati start` loads only what serving needs: the CLI imports a command's code when that command
// runs, and start's own imports stay clear of the compiler. Checked on the real process: the
// CommonJS modules it loaded (TypeScript, esbuild, cdk8s and yaml are all CommonJS), after it served.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './helpers/paths.js';
import { copyFixture, gatiSync, removeDir } from './helpers/server.js';

const COMPILER_PACKAGES = ['typescript', 'esbuild', 'cdk8s', 'cdk8s-plus-33', 'constructs', 'yaml', 'ajv'];

/** Runs one CLI command in a fresh process and lists the npm packages it loaded. */
function packagesLoadedBy(args: string[]): string[] {
  const script = `
import { createRequire } from 'node:module';
import { main } from ${JSON.stringify(pathToFileURL(join(REPO, 'lib/bin/gati.js')).href)};
const code = await main(${JSON.stringify(args)});
const loaded = new Set(Object.keys(createRequire(import.meta.url).cache).map((f) => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1]).filter(Boolean));
console.log(JSON.stringify({ code, loaded: [...loaded].sort() }));
process.exit(0);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
  const last = run.stdout.trim().split('\n').pop()!;
  const { code, loaded } = JSON.parse(last) as { code: number; loaded: string[] };
  assert.is(code, -1 * Number(args[0] === 'start') || 0, run.stderr);
  return loaded;
}

test('gati start serves without loading the compiler, esbuild or cdk8s; gati routes does load TypeScript', () => {
  const dir = copyFixture('payments');
  try {
    const built = gatiSync(['build', dir]);
    assert.is(built.status, 0, built.stderr);
    const serving = packagesLoadedBy(['start', dir]);
    assert.ok(serving.includes('better-sqlite3'), `the SQLite effects backend is loaded: ${serving}`);
    for (const name of COMPILER_PACKAGES) assert.not.ok(serving.includes(name), `gati start loaded ${name}`);
    // The probe sees a compiler when one is loaded.
    assert.ok(packagesLoadedBy(['routes', dir]).includes('typescript'));
  } finally {
    removeDir(dir);
  }
});

test.run();
