// The control panel's app data: the control emitter's dist/control/app.json for payments (every
// route, the ledger module, the capturePayment effect, the sqlite queue, a layout for each), and the
// endpoints over real HTTP under `gati dev`: topology and routes, the config with secrets masked,
// settings and scaling plans with their diff (and applied), a dead job listed and retried until it
// completes, versions with traffic and diffs (fixtures/versioned), and in a cluster the Kubernetes
// API (a node:http stand-in) read and patched with the pod's service account token.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildApp } from '../driver/build.js';
import { controlAppData } from '../emitters/control/index.js';
import { CONFIG_SCHEMA } from '../compiler/config/config-schema.js';
import { EDITABLE_SETTINGS, MASK, maskSecrets } from '../runtime-shim/control/app-data/config-view.js';
import { scalingErrors } from '../runtime-shim/control/app-data/scaling.js';
import { openBackend } from '../runtime-shim/effects/index.js';
import type { ChangePlan, ConfigInfo, DeadJob, DeploymentsInfo, EffectsInfo, RouteSummary, ScalingInfo, Topology, VersionDiff, VersionsInfo } from '../runtime-shim/control/api-types.js';
import { fixture } from './helpers/paths.js';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';
import { waitFor } from './helpers/effects.js';
import { builtInfraApp, artifactReader } from './helpers/infra-app.js';

/** The dev session's CSRF token per server (state-changing calls send it, as the panel's UI does). */
const csrf = new Map<string, string>();

const api = async <T>(app: RunningApp, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
  if (body !== undefined && !csrf.has(app.url)) csrf.set(app.url, ((await (await fetch(`${app.url}/_control/auth/session`)).json()) as { csrf: string }).csrf);
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-gati-control-csrf': csrf.get(app.url)! }, body: JSON.stringify(body) };
  const res = await fetch(`${app.url}/_control/api/${path}`, init);
  return { status: res.status, json: (await res.json()) as T };
};

test('the control emitter: every route, the ledger module, capturePayment, the sqlite queue, each laid out; byte-stable', async () => {
  const built = await buildApp(fixture('payments'), { emit: 'none', versions: 'skip', infra: false });
  assert.ok(built.ok);
  const data = controlAppData(built.model, built.config);
  const { nodes, edges } = data.topology;
  const ids = new Set(nodes.map((n) => n.id));
  for (const r of built.model.routes) {
    assert.ok(ids.has(`route:${r.key}`), r.key);
    assert.ok(ids.has(`handler:${r.file}`), r.file);
  }
  assert.equal(data.routes.map((r) => r.key), built.model.routes.map((r) => r.key));
  assert.equal(nodes.find((n) => n.id === 'module:ledger')?.variant, 'local');
  assert.is(nodes.find((n) => n.id === 'effect:capturePayment')?.file, 'src/effects/capturePayment.ts');
  assert.is(nodes.find((n) => n.id === 'queue:sqlite')?.kind, 'queue');
  assert.ok(edges.some((e) => e.from === 'effect:capturePayment' && e.to === 'queue:sqlite'));
  assert.ok(edges.some((e) => e.from === 'handler:src/handlers/payments/capture.ts' && e.to === 'effect:capturePayment' && e.kind === 'enqueues'));
  assert.ok(edges.some((e) => e.to === 'module:ledger' && e.kind === 'calls'));
  // The payments folder's middleware runs before its handlers.
  assert.ok(edges.some((e) => e.from === 'route:POST /payments' && e.to === 'middleware:src/handlers/payments/_middleware.ts'));
  for (const n of nodes) {
    assert.ok(n.layout && n.layout.width > 0 && n.layout.height > 0, `${n.id} has a box`);
    const parent = n.parent ? nodes.find((p) => p.id === n.parent)!.layout! : undefined;
    if (parent) assert.ok(n.layout.x >= parent.x && n.layout.y >= parent.y && n.layout.x + n.layout.width <= parent.x + parent.width, `${n.id} inside ${n.parent}`);
  }
  for (const e of edges) assert.ok((e.layout?.points.length ?? 0) >= 2, `${e.from} → ${e.to} has a path`);
  assert.ok(data.topology.layout!.width > 0);
  assert.is(JSON.stringify(controlAppData(built.model, built.config)), JSON.stringify(data), 'the same model gives the same bytes');
});

test('deploy environments in app.json and the panel RBAC only where control is enabled', async () => {
  const { build } = await builtInfraApp();
  const app = JSON.parse(String(build.artifacts.find((a) => a.path === 'dist/control/app.json')!.contents)) as { topology: Topology; clusters: { env: string; components: { deployment: string }[] }[] };
  const prod = app.topology.environments.find((e) => e.name === 'prod')!;
  assert.equal(prod.regions, ['eu-west', 'us-east']);
  assert.equal(prod.components.find((c) => c.name === 'payments'), { name: 'payments', kind: 'api', replicas: 2, min: 2, max: 12, targetCpuPercent: 65 });
  assert.equal(prod.components.find((c) => c.name === 'worker'), { name: 'worker', kind: 'worker', replicas: 1, min: 1, max: 4, targetCpuPercent: 70 });
  assert.ok(app.clusters.find((c) => c.env === 'prod')!.components.some((c) => c.deployment === 'payments-payments'));
  const { objects } = artifactReader(() => build.artifacts);
  const prodObjects = objects('infra/prod/k8s/eu-west.k8s.yaml');
  const role = prodObjects.find((o) => o.kind === 'Role') as unknown as { metadata: { name: string }; rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[] };
  assert.is(role.metadata.name, 'payments-control');
  assert.ok(role.rules.some((r) => r.resources.includes('deployments/scale') && r.verbs.includes('patch') && r.resourceNames?.includes('payments-payments')));
  assert.ok(role.rules.some((r) => r.resources.includes('replicasets') && r.verbs.includes('list')));
  assert.ok(prodObjects.some((o) => o.kind === 'RoleBinding'));
  const api = prodObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'payments-payments') as unknown as { spec: { template: { spec: { serviceAccountName?: string; automountServiceAccountToken: boolean } } } };
  assert.is(api.spec.template.spec.serviceAccountName, 'payments-control');
  assert.is(api.spec.template.spec.automountServiceAccountToken, true);
  const worker = prodObjects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'payments-worker') as unknown as { spec: { template: { spec: { automountServiceAccountToken: boolean } } } };
  assert.is(worker.spec.template.spec.automountServiceAccountToken, false, 'the worker mounts no token');
  assert.not.ok(objects('infra/aws/k8s/us-east-1.k8s.yaml').some((o) => o.kind === 'Role' || o.kind === 'RoleBinding'), 'control off: no RBAC');
});

test("the panel's settings and scaling rules agree with the config schema", () => {
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(CONFIG_SCHEMA);
  const samples: unknown[] = [0, 1, 7, -1, 2.5, '256kb', '1 mb', 'x', true, 'strip', 'reject', 'nope', null];
  for (const s of EDITABLE_SETTINGS) {
    for (const v of samples) {
      const [group, key] = s.path.split('.') as [string, string];
      const schemaOk = validate({ [group]: { [key]: v } });
      assert.is(s.check(v) === undefined, schemaOk, `${s.path} = ${JSON.stringify(v)}`);
    }
  }
  for (const v of [0, 1, 3, 2.5, -2, '2']) {
    const schemaOk = validate({ deploy: { prod: { provider: 'kubernetes', replicas: { min: v } } } });
    assert.is(scalingErrors({ min: v }).length === 0, schemaOk, `replicas.min = ${JSON.stringify(v)}`);
  }
});

test('secrets are masked: secret keys, URL passwords, values of secret environment variables', () => {
  const masked = maskSecrets(
    { effects: { url: 'redis://app:s3cret@redis:6379' }, deploy: { prod: { env: { API_TOKEN: 'abc', LEDGER: 'from-env-value', PLAIN: 'shown' } } }, validation: { unknownKeys: 'reject' }, accessKey: 'k' },
    { LEDGER_TOKEN: 'from-env-value', PORT: '3000' },
  );
  assert.equal(masked, { effects: { url: `redis://app:${MASK}@redis:6379` }, deploy: { prod: { env: { API_TOKEN: MASK, LEDGER: MASK, PLAIN: 'shown' } } }, validation: { unknownKeys: 'reject' }, accessKey: MASK });
});

/** payments, with an effect that fails while .gati/data/fail exists, and a deploy environment. */
function paymentsCopy(): string {
  const dir = copyFixture('payments');
  writeFileSync(join(dir, 'src/effects/flaky.ts'), [
    "import { existsSync } from 'node:fs';",
    "export const retry = { attempts: 1, backoff: 'fixed', delayMs: 10 };",
    'export async function run(payload: { n: number }) {',
    "  if (existsSync('.gati/data/fail')) throw new Error(`flaky failed on ${payload.n}`);",
    '}',
    '',
  ].join('\n'));
  const config = readFileSync(join(dir, 'gati.config.ts'), 'utf8').replace(
    "  sdk: {",
    [
      '  deploy: {',
      '    prod: {',
      "      provider: 'kubernetes',",
      '      replicas: { min: 2, max: 6 },',
      "      effects: { backend: 'redis', url: 'redis://app:hunter2@redis.internal:6379' },",
      "      env: { SERVICE_PASSWORD: 'pw-123', LEDGER_REGION: 'eu-west-ledger' },",
      '    },',
      '  },',
      '  sdk: {',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'gati.config.ts'), config);
  return dir;
}

test('under gati dev: topology, routes, config masked, settings and scaling plans applied to gati.config, a dead job retried to completion', async () => {
  const dir = paymentsCopy();
  mkdirSync(join(dir, '.gati/data'), { recursive: true });
  writeFileSync(join(dir, '.gati/data/fail'), '');
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, { LOG_LEVEL: 'info', LEDGER_TOKEN: 'eu-west-ledger' });
  try {
    const topology = await api<Topology>(dev, 'topology');
    assert.is(topology.status, 200);
    assert.ok(topology.json.nodes.some((n) => n.id === 'effect:flaky'));
    assert.equal(topology.json.environments.map((e) => e.name), ['prod']);
    const routes = await api<{ items: RouteSummary[] }>(dev, 'routes');
    assert.ok(routes.json.items.some((r) => r.key === 'POST /payments/:id/capture' && r.effects.includes('capturePayment')));

    // Config: the effective values, secrets masked.
    const config = await api<ConfigInfo>(dev, 'config');
    const text = JSON.stringify(config.json.effective);
    assert.not.match(text, 'hunter2');
    assert.not.match(text, 'pw-123');
    assert.match(text, `redis://app:${MASK}@redis.internal:6379`);
    assert.not.match(text, 'eu-west-ledger', 'a value equal to a secret variable is masked');
    assert.is((config.json.effective['validation'] as Record<string, unknown>)['unknownKeys'], 'reject');
    assert.is(config.json.editable.find((e) => e.path === 'effects.concurrency')?.value, 4);

    // Settings: a wrong value names its path; a right one is a diff, written with apply.
    const wrong = await api<ChangePlan>(dev, 'config', { changes: { 'effects.concurrency': 0, 'server.port': 1 } });
    assert.is(wrong.status, 422);
    assert.ok(wrong.json.errors!.some((e) => e.startsWith('effects.concurrency:')) && wrong.json.errors!.some((e) => e.startsWith('server.port:')));
    const before = readFileSync(join(dir, 'gati.config.ts'), 'utf8');
    const preview = await api<ChangePlan>(dev, 'config', { changes: { 'effects.concurrency': 6 } });
    assert.is(preview.status, 200);
    assert.match(preview.json.diff, '-    concurrency: 4,\n+    concurrency: 6,');
    assert.is(preview.json.applied, false);
    assert.is(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), before, 'a preview writes nothing');

    // Scaling: the config's bounds; a plan, then applied; the rebuilt app shows the new bounds.
    const scaling = await api<ScalingInfo>(dev, 'scaling');
    assert.is(scaling.json.source, 'config');
    assert.equal(scaling.json.components.find((c) => c.name === 'api'), { env: 'prod', name: 'api', replicas: 2, min: 2, max: 6, targetCpuPercent: 70 });
    const badScale = await api<ChangePlan>(dev, 'scaling', { env: 'prod', name: 'api', min: 5, max: 3 });
    assert.is(badScale.status, 422);
    const scalePlan = await api<ChangePlan>(dev, 'scaling', { env: 'prod', name: 'api', min: 3, max: 8 });
    assert.match(scalePlan.json.diff, '-      replicas: { min: 2, max: 6 },\n+      replicas: { min: 3, max: 8 },');
    assert.is(scalePlan.json.command, 'gati deploy prod');
    const applied = await api<ChangePlan>(dev, 'scaling', { env: 'prod', name: 'api', min: 3, max: 8, apply: true });
    assert.is(applied.json.applied, true);
    assert.match(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), 'replicas: { min: 3, max: 8 },');
    await waitFor(async () => (await api<ScalingInfo>(dev, 'scaling')).json.components.find((c) => c.name === 'api')?.min === 3 || undefined, 60_000, 'the rebuilt app shows the new bounds');

    // A job of `flaky` fails its one attempt: dead, listed with its payload and error.
    const backend = await openBackend({ backend: 'sqlite' }, dir);
    let id: string;
    try {
      ({ id } = await backend.enqueue({ name: 'flaky', payload: { n: 7 }, maxAttempts: 1 }));
    } finally {
      await backend.close();
    }
    const dead = await waitFor(async () => (await api<{ items: DeadJob[] }>(dev, 'effects/dead?effect=flaky')).json.items.find((j) => j.id === id), 30_000, 'the job is dead');
    assert.equal(dead.payload, { n: 7 });
    assert.match(dead.error, 'flaky failed on 7');
    assert.is(dead.attempts, 1);
    const effects = await api<EffectsInfo>(dev, 'effects');
    assert.is(effects.json.backend, 'sqlite');
    assert.is(effects.json.effects.find((e) => e.name === 'flaky')?.counts.dead, 1);
    // Fixed: retried through the API, it runs again and completes.
    rmSync(join(dir, '.gati/data/fail'));
    const retried = await api<{ ok: boolean; id: string }>(dev, `effects/dead/${id}/retry`, {});
    assert.equal(retried.json, { ok: true, id });
    await waitFor(async () => (await api<EffectsInfo>(dev, 'effects')).json.effects.find((e) => e.name === 'flaky')?.counts.done === 1 || undefined, 30_000, 'the retried job completes');
    assert.equal((await api<{ items: DeadJob[] }>(dev, 'effects/dead')).json.items, []);
    const again = await api<unknown>(dev, `effects/dead/${id}/retry`, {});
    assert.is(again.status, 409);
    assert.is((await api<unknown>(dev, 'effects/dead/999999/retry', {})).status, 404);

    // No deployments yet; then three recorded by `gati deploy` (.gati/deployments): the history, and rollbacks.
    assert.equal((await api<DeploymentsInfo>(dev, 'deployments')).json, { source: 'local', history: [] });
    const entries = ['1.0.0', '1.1.0', '1.2.0'].map((version, i) => {
      const files = `.gati/deployments/prod/000${i + 1}-${version}`;
      mkdirSync(join(dir, files), { recursive: true });
      writeFileSync(join(dir, files, 'deploy.json'), `{ "version": "${version}" }\n`);
      return { version, image: `ghcr.io/acme/payments:${version}`, provider: 'kubernetes', regions: ['default'], deployedAt: `2026-12-0${i + 1}T10:00:00.000Z`, files, hashes: { 'deploy.json': version } };
    });
    writeFileSync(join(dir, '.gati/deployments/prod.json'), JSON.stringify({ env: 'prod', current: '1.2.0', history: entries }));
    const history = await api<DeploymentsInfo>(dev, 'deployments');
    assert.equal(history.json.history.map((h) => [h.version, h.current]), [['1.2.0', true], ['1.1.0', false], ['1.0.0', false]]);
    const previous = await api<ChangePlan>(dev, 'deployments/rollback', { env: 'prod', to: entries[1]!.files });
    assert.is(previous.json.command, 'gati deploy prod --rollback');
    assert.match(previous.json.diff, '-{ "version": "1.2.0" }\n+{ "version": "1.1.0" }');
    const older = await api<ChangePlan>(dev, 'deployments/rollback', { env: 'prod', to: '1.0.0', apply: true });
    assert.is(older.json.command, 'gati deploy prod');
    assert.is(older.json.applied, true);
    assert.match(readFileSync(join(dir, 'gati.config.ts'), 'utf8'), "image: { tag: '1.0.0' },");
    assert.is((await api<ChangePlan>(dev, 'deployments/rollback', { env: 'prod', to: 'nope' })).status, 404);
    const audit = await api<{ items: { action: string; detail?: Record<string, unknown> }[] }>(dev, 'audit');
    for (const action of ['effects.retry', 'scaling.change', 'config.change', 'deployments.rollback']) assert.ok(audit.json.items.some((e) => e.action === action), action);
  } finally {
    await dev.stop();
    removeDir(dir);
  }
});

test('versions under gati dev: every version, traffic per version asked for, the diff of any two', async () => {
  const root = mkdtempSync(join(tmpdir(), 'gati-control-versions-'));
  try {
    cpSync(fixture('versioned', 'v1'), root, { recursive: true });
    assert.is(gatiSync(['build', root]).status, 0);
    cpSync(fixture('versioned', 'v2', 'src'), join(root, 'src'), { recursive: true });
    const v2 = gatiSync(['build', root]);
    assert.is(v2.status, 0, v2.stderr);
    const dev = await runServer([GATI_BIN, 'dev', '.'], root, { LOG_LEVEL: 'warn' });
    try {
      await fetch(`${dev.url}/health`, { headers: { 'x-api-version': '1.0.0' } });
      await fetch(`${dev.url}/health`, { headers: { 'x-api-version': '1' } });
      await fetch(`${dev.url}/health`);
      const versions = await api<VersionsInfo>(dev, 'versions');
      assert.is(versions.json.current, '2.0.0');
      assert.equal(versions.json.versions.map((v) => v.semver), ['1.0.0', '2.0.0']);
      assert.equal(versions.json.traffic, { '1.0.0': 2, '2.0.0': 1 });
      const diff = await api<VersionDiff>(dev, 'versions/diff?from=1.0.0&to=2.0.0');
      assert.is(diff.json.bump, 'major');
      assert.ok(diff.json.changes.some((c) => c.route === 'POST /users' && c.kind === 'breaking'), JSON.stringify(diff.json.changes));
      const back = await api<VersionDiff>(dev, 'versions/diff?from=2.0.0&to=1.0.0');
      assert.is(back.json.changes.length, diff.json.changes.length);
      assert.ok(back.json.changes.every((c) => c.detail.startsWith('undoes 2.0.0: ')), JSON.stringify(back.json.changes));
      assert.is((await api<unknown>(dev, 'versions/diff?from=1.0.0&to=9.9.9')).status, 404);
      assert.is((await api<unknown>(dev, 'versions/diff?from=1.0.0')).status, 400);
    } finally {
      await dev.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('in a cluster: deployments and scaling from the Kubernetes API with the service account token; rollback and scaling patches', async () => {
  const token = 'sa-token-123';
  const patches: { path: string; type: string; body: unknown }[] = [];
  const template = (image: string, hash: string) => ({ metadata: { labels: { 'app.kubernetes.io/name': 'payments', 'pod-template-hash': hash } }, spec: { containers: [{ name: 'server', image }] } });
  const rs = (name: string, revision: string, image: string, at: string) => ({
    metadata: { name, creationTimestamp: at, annotations: { 'deployment.kubernetes.io/revision': revision }, ownerReferences: [{ kind: 'Deployment', name: 'payments-api' }] },
    spec: { replicas: 2, template: template(image, name.slice(-5)) },
    status: { replicas: 2, readyReplicas: 2 },
  });
  const kube = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Unauthorized' });
      const url = new URL(req.url!, 'http://kube');
      const ns = '/apis/apps/v1/namespaces/shop';
      if (req.method === 'PATCH') {
        patches.push({ path: url.pathname, type: String(req.headers['content-type']), body: JSON.parse(body) });
        return send(200, {});
      }
      if (url.pathname === `${ns}/deployments/payments-api`) return send(200, { metadata: { name: 'payments-api', annotations: { 'deployment.kubernetes.io/revision': '2' } }, spec: { replicas: 3, template: { metadata: { labels: { 'app.kubernetes.io/name': 'payments' } }, spec: { containers: [{ name: 'server', image: 'payments:b' }] } } }, status: { replicas: 3 } });
      if (url.pathname === `${ns}/deployments/payments-worker`) return send(200, { metadata: { name: 'payments-worker', annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { replicas: 1, template: template('payments:b', 'ccccc') }, status: { replicas: 1 } });
      if (url.pathname === `${ns}/replicasets`) {
        const component = /component=([a-z-]+)/.exec(url.searchParams.get('labelSelector') ?? '')?.[1];
        return send(200, { items: component === 'api' ? [rs('payments-api-aaaaa', '1', 'payments:a', '2026-12-01T10:00:00Z'), rs('payments-api-bbbbb', '2', 'payments:b', '2026-12-02T10:00:00Z')] : [] });
      }
      if (url.pathname === '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/payments-api') return send(200, { spec: { minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } });
      if (url.pathname === '/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/payments-worker') return send(200, { spec: { minReplicas: 1, maxReplicas: 5 } });
      send(404, { message: `no ${url.pathname}` });
    });
  });
  await new Promise<void>((r) => kube.listen(0, '127.0.0.1', r));
  const port = (kube.address() as { port: number }).port;
  const dir = copyFixture('payments');
  const account = join(dir, 'service-account');
  mkdirSync(account);
  writeFileSync(join(account, 'token'), `${token}\n`);
  writeFileSync(join(account, 'namespace'), 'shop');
  writeFileSync(join(dir, 'gati.config.ts'), readFileSync(join(dir, 'gati.config.ts'), 'utf8').replace('  sdk: {', "  deploy: { prod: { provider: 'kubernetes' } },\n  sdk: {"));
  const dev = await runServer([GATI_BIN, 'dev', '.'], dir, {
    LOG_LEVEL: 'warn',
    KUBERNETES_SERVICE_HOST: '10.0.0.1',
    GATI_KUBE_API_URL: `http://127.0.0.1:${port}`,
    GATI_KUBE_SERVICE_ACCOUNT_DIR: account,
    GATI_ENV: 'prod',
  });
  try {
    const deployments = await api<DeploymentsInfo>(dev, 'deployments');
    assert.is(deployments.status, 200, JSON.stringify(deployments.json));
    assert.is(deployments.json.source, 'cluster');
    assert.equal(deployments.json.history.map((h) => [h.id, h.version, h.current]), [['payments-api-bbbbb', 'b', true], ['payments-api-aaaaa', 'a', false]]);

    const plan = await api<ChangePlan>(dev, 'deployments/rollback', { env: 'prod', to: 'payments-api-aaaaa' });
    assert.is(plan.json.command, 'kubectl rollout undo deployment/payments-api -n shop --to-revision=1');
    assert.match(plan.json.diff, '-        "image": "payments:b"\n+        "image": "payments:a"');
    assert.is(patches.length, 0, 'a plan patches nothing');
    const rolled = await api<ChangePlan>(dev, 'deployments/rollback', { env: 'prod', to: 'payments-api-aaaaa', apply: true });
    assert.is(rolled.json.applied, true);
    assert.equal(patches[0], {
      path: '/apis/apps/v1/namespaces/shop/deployments/payments-api',
      type: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/spec/template', value: { metadata: { labels: { 'app.kubernetes.io/name': 'payments' } }, spec: { containers: [{ name: 'server', image: 'payments:a' }] } } }],
    });

    const scaling = await api<ScalingInfo>(dev, 'scaling');
    assert.is(scaling.json.source, 'cluster');
    assert.equal(scaling.json.components.find((c) => c.name === 'api'), { env: 'prod', name: 'api', replicas: 3, min: 2, max: 10, targetCpuPercent: 70 });
    const scaled = await api<ChangePlan>(dev, 'scaling', { env: 'prod', name: 'api', min: 4, max: 12, replicas: 4, apply: true });
    assert.is(scaled.json.applied, true, JSON.stringify(scaled.json));
    assert.equal(patches.slice(1).map((p) => [p.path, p.type, p.body]), [
      ['/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/payments-api', 'application/merge-patch+json', { spec: { minReplicas: 4, maxReplicas: 12 } }],
      ['/apis/apps/v1/namespaces/shop/deployments/payments-api/scale', 'application/merge-patch+json', { spec: { replicas: 4 } }],
    ]);
    const refused = await api<ChangePlan>(dev, 'scaling', { env: 'prod', name: 'api', min: 20, apply: true });
    assert.is(refused.status, 422, 'min above the autoscaler max');
  } finally {
    await dev.stop();
    kube.close();
    removeDir(dir);
  }
});

test.run();
