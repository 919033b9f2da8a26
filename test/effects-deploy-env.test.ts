// SQLite locally, Redis in a deploy environment (issue 14, item 5): with `deploy.prod.effects:
// { backend: 'redis' }`, `gati build` needs no Redis (no GATI3011), a local `gati start` serves and
// runs jobs on SQLite, infra/prod gives the pods GATI_ENV=prod and REDIS_URL, and the same build run
// as a prod pod (GATI_ENV=prod, REDIS_URL) puts its jobs in Redis.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GATI_BIN, copyFixture, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { parseK8sYaml } from './helpers/k8s-validate.js';

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete e.REDIS_URL;
  delete e.GATI_ENV;
  return { ...e, ...extra };
};

let dir: string;
const config = {
  effects: { backend: 'sqlite' },
  deploy: { prod: { provider: 'kubernetes', effects: { backend: 'redis' }, secrets: { REDIS_URL: { secret: 'shop-redis', key: 'url' } } } },
};

test.before(() => {
  dir = copyFixture('effects-app');
  writeFileSync(join(dir, 'gati.config.json'), JSON.stringify(config, null, 2));
});
test.after(() => removeDir(dir));

async function enqueue(app: RunningApp, note: string): Promise<void> {
  const res = await fetch(`${app.url}/remind`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ note, at: '2026-03-01T09:30:00.000Z' }) });
  assert.is(res.status, 202, await res.text());
}

test('gati build passes without Redis: the local backend is SQLite, prod has its own', () => {
  const built = spawnSync(process.execPath, [GATI_BIN, 'build', dir], { encoding: 'utf8', env: env() });
  assert.is(built.status, 0, built.stderr + built.stdout);
  assert.not.match(built.stderr + built.stdout, 'GATI3011');
});

test('infra/prod: the pods get GATI_ENV=prod (which selects deploy.prod.effects) and REDIS_URL from the Secret, and a worker Deployment', () => {
  const objects = parseK8sYaml(readFileSync(join(dir, 'infra/prod/k8s/default.k8s.yaml'), 'utf8'));
  const configMap = objects.find((o) => o.kind === 'ConfigMap') as unknown as { data: Record<string, string> };
  assert.is(configMap.data.GATI_ENV, 'prod');
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  assert.equal(deployments.map((d) => d.metadata.name).sort(), ['effects-app-api', 'effects-app-worker']);
  for (const d of deployments) {
    const container = (d as unknown as { spec: { template: { spec: { containers: { env?: unknown[] }[] } } } }).spec.template.spec.containers[0]!;
    assert.equal(container.env, [{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'shop-redis', key: 'url' } } }], d.metadata.name);
  }
});

test('a local gati start serves and runs jobs on SQLite, with no Redis URL anywhere', async () => {
  const runs = join(dir, 'runs-local.jsonl');
  const app = await runServer([GATI_BIN, 'start', dir], dir, { RUNS_FILE: runs, REDIS_URL: '', GATI_ENV: '' });
  try {
    assert.is((await fetch(`${app.url}/_ready`)).status, 200);
    await enqueue(app, 'local');
    for (let i = 0; i < 100 && !existsSync(runs); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(runs), 'the job ran');
    assert.ok(existsSync(join(dir, '.gati/data/effects.db')), 'in the SQLite file');
  } finally {
    await app.stop('SIGKILL');
  }
});

test('the same build as a prod pod (GATI_ENV=prod, REDIS_URL) keeps its jobs in Redis', async () => {
  const url = `redis://127.0.0.1:6379/0?prefix=deployenv-${randomUUID().slice(0, 8)}`;
  const app = await runServer(['dist/server.mjs'], dir, { GATI_ENV: 'prod', REDIS_URL: url, GATI_ROLE: 'api' });
  try {
    await enqueue(app, 'prod');
  } finally {
    await app.stop('SIGKILL');
  }
  const counts = spawnSync(process.execPath, [GATI_BIN, 'effects', dir, '--format', 'json'], { encoding: 'utf8', env: env({ GATI_ENV: 'prod', REDIS_URL: url }) });
  assert.is(counts.status, 0, counts.stderr);
  assert.equal(JSON.parse(counts.stdout), { remind: { queued: 1 } });
});

test.run();
