// Effects in a deploy environment (GATI3011): every api and worker pod must share one queue, so a
// build with a `deploy` section refuses the embedded SQLite backend and a Redis backend whose URL
// the pods would not get. Real builds of fixtures/payments (it has an effect) with other configs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { parseK8sYaml } from './helpers/k8s-validate.js';
import { fixture } from './helpers/paths.js';

const apps: string[] = [];
test.after(() => {
  for (const app of apps) rmSync(app, { recursive: true, force: true });
});

/** fixtures/payments (src/effects/capturePayment.ts) with `config` as gati.config.json; `withoutEffects` drops src/effects. */
async function build(config: object, options: { infra?: false; withoutEffects?: boolean } = {}): Promise<BuildResult> {
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-deploy-'));
  apps.push(root);
  cpSync(fixture('payments', 'src'), join(root, 'src'), { recursive: true });
  if (options.withoutEffects) rmSync(join(root, 'src', 'effects'), { recursive: true });
  cpSync(fixture('payments', 'package.json'), join(root, 'package.json'));
  writeFileSync(join(root, 'gati.config.json'), JSON.stringify({ name: 'payments', ...config }, null, 2));
  // Without src/effects, capture.ts still enqueues 'capturePayment', which TypeScript rightly
  // refuses (TS2345); these cases are about the deploy check, so TypeScript's own errors are skipped there.
  const typecheck = options.withoutEffects ? 'skip' : 'enforce';
  return buildApp(root, options.infra === false ? { infra: false, versions: 'skip', typecheck } : { versions: 'skip', typecheck });
}

const lines = (r: BuildResult) => r.diagnostics.map(formatCompact);
const prod = { provider: 'kubernetes', replicas: { min: 2, max: 6 } };
const staging = { provider: 'kubernetes', namespace: 'payments-staging' };

test('the default SQLite backend with a deploy section: one GATI3011 at `deploy` naming every environment, no infra', async () => {
  const r = await build({ deploy: { prod, staging } });
  assert.is(r.ok, false);
  assert.equal(lines(r), [
    "gati.config.json:3:3 - error GATI3011: deploy environments 'prod', 'staging' cannot run the app's effects (capturePayment) on the embedded SQLite backend (the default): their api and worker pods must share one queue, and each pod would get a file of its own, on a read-only root file system",
  ]);
  assert.match(r.diagnostics[0]!.hint ?? '', "effects: { backend: 'redis'");
  assert.equal(r.artifacts.filter((a) => a.path.startsWith('infra/')), []);
});

test("an explicit `backend: 'sqlite'` (a volume path too) is the same error, pointed at `effects`", async () => {
  const r = await build({ effects: { backend: 'sqlite', path: '/data/effects.db' }, deploy: { prod } });
  assert.equal(lines(r), [
    "gati.config.json:3:3 - error GATI3011: deploy environment 'prod' cannot run the app's effects (capturePayment) on the embedded SQLite backend: its api and worker pods must share one queue, and each pod would get a file of its own, on a read-only root file system",
  ]);
});

test('Redis without a URL the pods get: GATI3011 per environment that lacks REDIS_URL in env or secrets', async () => {
  const r = await build({
    effects: { backend: 'redis' },
    deploy: {
      prod: { ...prod, secrets: { REDIS_URL: { secret: 'payments-redis', key: 'url' } } },
      staging: { ...staging, env: { LOG_LEVEL: 'debug' } },
      lab: { provider: 'kubernetes', namespace: 'payments-lab', env: { REDIS_URL: 'redis://redis.lab.svc:6379' } },
    },
  });
  assert.equal(lines(r), [
    "gati.config.json:20:5 - error GATI3011: deploy environment 'staging' gives its pods no Redis URL for the effects: 'effects.url' is not set, and 'deploy.staging' has no REDIS_URL in 'env' or 'secrets'",
  ]);
  assert.match(r.diagnostics[0]!.hint ?? '', 'deploy.staging.secrets: { REDIS_URL');
});

test('Redis with REDIS_URL from a Secret: builds clean, and the api and worker pods both get the URL', async () => {
  const r = await build({ effects: { backend: 'redis' }, deploy: { prod: { ...prod, secrets: { REDIS_URL: { secret: 'payments-redis', key: 'url' } } } } });
  assert.equal(lines(r), []);
  const chart = r.artifacts.find((a) => a.path === 'infra/prod/k8s/default.k8s.yaml');
  assert.ok(chart, 'the region chart');
  const deployments = parseK8sYaml(String(chart!.contents)).filter((o) => o.kind === 'Deployment');
  assert.equal(deployments.map((d) => d.metadata.name).sort(), ['payments-api', 'payments-worker']);
  for (const d of deployments) {
    const env = (d as unknown as { spec: { template: { spec: { containers: { env?: unknown[] }[] } } } }).spec.template.spec.containers[0]!.env;
    assert.equal(env, [{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'payments-redis', key: 'url' } } }], d.metadata.name);
  }
});

test('Redis with effects.url: builds clean', async () => {
  const r = await build({ effects: { backend: 'redis', url: 'redis://redis.payments.svc:6379' }, deploy: { prod } });
  assert.equal(lines(r), []);
  assert.ok(r.artifacts.some((a) => a.path === 'infra/prod/deploy.json'));
});

test('SQLite stays fine where nothing is deployed: no deploy section, the dev loop (no infra), or an app without effects', async () => {
  assert.equal(lines(await build({})), []);
  assert.equal(lines(await build({ deploy: { prod } }, { infra: false })), []);
  assert.equal(lines(await build({ deploy: { prod } }, { withoutEffects: true })), []);
});

for (const [backend, extra] of [['sqs', { queue: 'payments-effects', table: 'payments-jobs' }], ['pubsub', { queue: 'payments-effects', table: 'payments-jobs' }], ['azure-queue', { queue: 'payments-effects', table: 'paymentsjobs' }]] as const) {
  test(`${backend}: builds clean with no URL (the pods reach the cloud through its own credentials), api and worker pods emitted`, async () => {
    const r = await build({ effects: { backend, ...extra }, deploy: { prod } });
    assert.equal(lines(r), []);
    const chart = r.artifacts.find((a) => a.path === 'infra/prod/k8s/default.k8s.yaml');
    assert.ok(chart, 'the region chart');
    const deployments = parseK8sYaml(String(chart!.contents)).filter((o) => o.kind === 'Deployment');
    assert.equal(deployments.map((d) => d.metadata.name).sort(), ['payments-api', 'payments-worker']);
  });
}

test('an unknown effects backend is refused, naming the five', async () => {
  const refused = lines(await build({ effects: { backend: 'kafka' }, deploy: { prod } }));
  assert.is(refused.length, 1, refused.join('\n'));
  assert.match(refused[0]!, `config key 'effects.backend' must be one of "sqlite", "redis", "sqs", "pubsub", "azure-queue", got "kafka"`);
});

test('names a cloud refuses are GATI4002 at build: an Azure table with a hyphen, an uppercase queue, a Pub/Sub topic starting with a digit', async () => {
  assert.equal(lines(await build({ effects: { backend: 'azure-queue', queue: 'Payments', table: 'payments-jobs' }, deploy: { prod } })).map((l) => l.replace(/^.*error /, '')), [
    `GATI4002: config key 'effects.queue' must be an Azure queue name: lowercase letters, digits and single hyphens inside, 3 to 58 characters, got "Payments"`,
    `GATI4002: config key 'effects.table' must be an Azure table name: letters and digits, a letter first, 3 to 63 characters, got "payments-jobs"`,
  ]);
  assert.equal(lines(await build({ effects: { backend: 'pubsub', queue: '1payments' }, deploy: { prod } })).map((l) => l.replace(/^.*error /, '')), [
    `GATI4002: config key 'effects.queue' must be a Pub/Sub topic name: a letter first, 3 characters at least, got "1payments"`,
  ]);
});

test.run();
