// Configuration problems of the effects backend are the user's, not Gati bugs (issue 14, item 4):
// what only the environment tells (REDIS_URL missing or not a Redis URL) makes `gati start`,
// `node dist/server.mjs` and `gati effects` print GATI4020 naming the key and the fix, and exit 1
// (never GATI9001 / exit 3); what the config alone tells is reported by `gati build` (GATI4021).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATI_BIN, gatiSync, removeDir } from './helpers/server.js';
import { REPO, fixture } from './helpers/paths.js';
import { assertGolden } from './helpers/golden.js';

const CASE = fixture('invalid', 'gati4020-redis-without-url');

function copyCase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gati-gati4020-'));
  cpSync(CASE, dir, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs with this environment, REDIS_URL and GATI_ENV removed unless given. */
function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PORT: '0' };
  delete base.REDIS_URL;
  delete base.GATI_ENV;
  // Nor any Azure identity this machine may have: the azure-queue tests below choose their own.
  for (const name of ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT', 'AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_CLIENT_SECRET', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT']) delete base[name];
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...base, ...env }, timeout: 30_000 });
}

let dir: string;

test.before(() => {
  dir = copyCase();
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, `the build cannot know REDIS_URL, so it passes:\n${built.stderr}${built.stdout}`);
});

test.after(() => removeDir(dir));

test('gati start without REDIS_URL: GATI4020 naming the key and the fix, exit 1, no stack', () => {
  const r = run([GATI_BIN, 'start', dir], dir);
  assert.is(r.status, 1, r.stderr + r.stdout);
  assertGolden(join(CASE, 'expected-start.txt'), r.stderr, 'what gati start prints');
  assert.not.match(r.stderr, /GATI9001|bug in Gati|\bat .*\.m?js:\d+/);
});

test('node dist/server.mjs and dist/worker.mjs say the same', () => {
  for (const entry of ['dist/server.mjs', 'dist/worker.mjs']) {
    const r = run([entry], dir);
    assert.is(r.status, 1, entry + r.stderr);
    assert.is(r.stderr, run([GATI_BIN, 'start', dir], dir).stderr, entry);
  }
});

test('gati effects without REDIS_URL: the same GATI4020, exit 1', () => {
  const r = run([GATI_BIN, 'effects', dir], dir);
  assert.is(r.status, 1, r.stderr + r.stdout);
  assert.match(r.stderr, "error GATI4020: 'effects.backend' is 'redis', but there is no Redis URL");
  assert.not.match(r.stderr, /GATI9001/);
});

test('gati dev without REDIS_URL: the same GATI4020, exit 1 (not GATI9001)', () => {
  const r = run([GATI_BIN, 'dev', dir], dir);
  assert.is(r.status, 1, r.stderr + r.stdout);
  assert.match(r.stderr, "error GATI4020: 'effects.backend' is 'redis', but there is no Redis URL");
  assert.not.match(r.stderr, /GATI9001/);
});

test('a REDIS_URL that is not a Redis URL: GATI4020, without echoing the value (it may hold a password)', () => {
  const r = run([GATI_BIN, 'start', dir], dir, { REDIS_URL: 'admin:s3cret@redis-host:6379' });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, 'error GATI4020: REDIS_URL is not a Redis URL (it must start with redis:// or rediss://)');
  assert.not.match(r.stderr, 's3cret');
});

test('in a deploy environment (GATI_ENV) the key named is deploy.<env>.effects', () => {
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ deploy: { prod: { provider: 'kubernetes', effects: { backend: 'redis' }, secrets: { REDIS_URL: { secret: 'r', key: 'url' } } } } }));
  try {
    assert.is(gatiSync(['build', dir]).status, 0);
    const r = run([GATI_BIN, 'start', dir], dir, { GATI_ENV: 'prod' });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, "error GATI4020: 'deploy.prod.effects.backend' is 'redis', but there is no Redis URL: 'deploy.prod.effects.url' is not set and neither is REDIS_URL");
  } finally {
    cpSync(join(CASE, 'gati.config.json'), join(dir, 'gati.config.json'));
  }
});

test('azure-queue with neither AZURE_STORAGE_ACCOUNT nor a connection string: GATI4020 before any client loads, exit 1', () => {
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ effects: { backend: 'azure-queue' } }));
  try {
    const r = run([GATI_BIN, 'effects', dir], dir);
    assert.is(r.status, 1, r.stderr + r.stdout);
    assert.match(r.stderr, "error GATI4020: 'effects.backend' is 'azure-queue', but neither AZURE_STORAGE_ACCOUNT nor AZURE_STORAGE_CONNECTION_STRING is set");
    assert.match(r.stderr, "hint: Give the process the storage account's name in AZURE_STORAGE_ACCOUNT");
    assert.not.match(r.stderr, /GATI9001/);
  } finally {
    cpSync(join(CASE, 'gati.config.json'), join(dir, 'gati.config.json'));
  }
});

test('azure-queue with only AZURE_STORAGE_ACCOUNT (what gati deploy gives the pods) and no Entra ID credential: GATI4020 saying what is missing, promptly', () => {
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ effects: { backend: 'azure-queue' } }));
  try {
    {
      const args = [GATI_BIN, 'effects', dir];
      const started = Date.now();
      const r = run(args, dir, { AZURE_STORAGE_ACCOUNT: 'gatinocredential' });
      assert.is(r.status, 1, args.join(' ') + r.stderr + r.stdout);
      assert.ok(Date.now() - started < 25_000, `no hang: ${Date.now() - started} ms`);
      assert.match(r.stderr, "error GATI4020: 'effects.backend' is 'azure-queue' on storage account 'gatinocredential' (AZURE_STORAGE_ACCOUNT), but no Microsoft Entra ID credential is available: Workload Identity's AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE are not set");
      assert.match(r.stderr, 'hint: On AKS, run the pods with Workload Identity');
      assert.not.match(r.stderr, /GATI9001|\bat .*\.m?js:\d+/);
    }
  } finally {
    cpSync(join(CASE, 'gati.config.json'), join(dir, 'gati.config.json'));
  }
});

test('AZURE_STORAGE_ACCOUNT that is not an account name (a URL): GATI4020 before any request', () => {
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify({ effects: { backend: 'azure-queue' } }));
  try {
    const r = run([GATI_BIN, 'effects', dir], dir, { AZURE_STORAGE_ACCOUNT: 'https://gati.queue.core.windows.net' });
    assert.is(r.status, 1, r.stderr + r.stdout);
    assert.match(r.stderr, 'error GATI4020: AZURE_STORAGE_ACCOUNT is not a storage account name');
  } finally {
    cpSync(join(CASE, 'gati.config.json'), join(dir, 'gati.config.json'));
  }
});

test.run();
