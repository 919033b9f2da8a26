// Observability in the infrastructure output (issue 18): a real build of the infrastructure app
// (fixtures/payments, which has effects, with fixtures/payments-infra's deploy config, whose `prod`
// asks for a ServiceMonitor and an OTLP endpoint) plus fixtures/ws-chat's WS route. The charts expose
// the admin port and the scrape annotations; the ServiceMonitor validates against prometheus-operator's
// schema; the Grafana dashboard queries only the runtime's metric names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { emitInfra } from '../emitters/infra/index.js';
import { grafanaDashboard, dashboardUid } from '../emitters/infra/grafana-dashboard.js';
import { fixture } from './helpers/paths.js';
import { artifactReader, infraApp } from './helpers/infra-app.js';
import { parseK8sYaml, validateK8s, type K8sObject } from './helpers/k8s-validate.js';
import type { AppModel } from '../model/app-model.js';
import { validateConfig } from '../compiler/config/validate-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';

/** The metric names of the contract, written out here (not imported): a typo in the emitter fails. */
const CONTRACT_METRICS = new Set([
  'http_server_request_duration_seconds',
  'http_server_active_requests',
  'gati_effect_jobs_total',
  'gati_effect_queue_depth',
  'gati_effect_job_duration_seconds',
  'gati_ws_connections',
  'gati_ws_messages_total',
]);
const HISTOGRAMS = new Set(['http_server_request_duration_seconds', 'gati_effect_job_duration_seconds']);
const PROMQL_WORDS = new Set(['sum', 'by', 'rate', 'histogram_quantile', 'le', 'without', 'avg', 'max', 'min', 'count', 'increase', 'irate', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset']);

const app = infraApp();
test.after(() => app.remove());
let build: BuildResult;
const { text, objects } = artifactReader(() => build.artifacts);
const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name}`);
  return o! as any;
};
const appPods = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Deployment' && !o.metadata.name.includes('-module-')) as any[];

test.before(async () => {
  mkdirSync(join(app.root, 'src/handlers'), { recursive: true });
  cpSync(fixture('ws-chat', 'src/handlers/ticker.ws.ts'), join(app.root, 'src/handlers/ticker.ws.ts'));
  build = await buildApp(app.root);
});

test('the build is clean; every chart validates, the ServiceMonitor against prometheus-operator\'s schema', () => {
  assert.equal(build.diagnostics.map(formatCompact), []);
  let monitors = 0;
  for (const a of build.artifacts.filter((x) => x.path.endsWith('.k8s.yaml'))) {
    for (const o of parseK8sYaml(String(a.contents))) {
      validateK8s(o);
      if (o.kind === 'ServiceMonitor') monitors++;
    }
  }
  assert.is(monitors, 2, 'one per region of prod');
});

test('every pod that runs the app has the metrics port, ADMIN_PORT and the scrape annotations; container modules do not', () => {
  for (const path of ['infra/prod/k8s/eu-west.k8s.yaml', 'infra/gcp/k8s/us-central1.k8s.yaml', 'infra/aws/k8s/us-east-1.k8s.yaml']) {
    const objs = objects(path);
    const pods = appPods(objs);
    assert.equal(pods.map((d) => d.metadata.name).sort(), ['payments-accounts', 'payments-payments', 'payments-root', 'payments-worker'], path);
    for (const d of pods) {
      const c = d.spec.template.spec.containers[0];
      assert.equal(c.ports, [{ containerPort: 3000, name: 'http', protocol: 'TCP' }, { containerPort: 9464, name: 'metrics', protocol: 'TCP' }], d.metadata.name);
      assert.equal(d.spec.template.metadata.annotations, { 'prometheus.io/path': '/metrics', 'prometheus.io/port': '9464', 'prometheus.io/scrape': 'true' }, d.metadata.name);
      assert.equal(c.envFrom, [{ configMapRef: { name: 'payments-config' } }]);
    }
    assert.is(find(objs, 'ConfigMap', 'payments-config').data.ADMIN_PORT, '9464');
    const mod = find(objs, 'Deployment', 'payments-module-fraud');
    assert.is(mod.spec.template.metadata.annotations, undefined);
    assert.equal(mod.spec.template.spec.containers[0].ports.map((p: any) => p.name), ['http']);
  }
});

test('each api Service has a metrics port to the named container port; the Ingress still routes only port 80', () => {
  const objs = objects('infra/prod/k8s/us-east.k8s.yaml');
  for (const c of ['accounts', 'payments', 'root']) {
    assert.equal(find(objs, 'Service', `payments-${c}`).spec.ports, [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'metrics', port: 9464, protocol: 'TCP', targetPort: 'metrics' },
    ]);
  }
  const ports = new Set(find(objs, 'Ingress', 'payments').spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.port.number)));
  assert.equal([...ports], [80]);
});

test('serviceMonitor: true → a ServiceMonitor selecting the app\'s api and worker Services, port metrics, /metrics every 30 s', () => {
  const objs = objects('infra/prod/k8s/eu-west.k8s.yaml');
  const sm = find(objs, 'ServiceMonitor', 'payments');
  assert.is(sm.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(sm.spec.endpoints, [{ interval: '30s', path: '/metrics', port: 'metrics', scrapeTimeout: '10s' }]);
  // The selector picks exactly the Services of the pods that serve metrics: not the container module's.
  const selected = objs.filter((o) => o.kind === 'Service' && matches(sm.spec.selector, o.metadata.labels ?? {})) as any[];
  assert.equal(selected.map((s) => s.metadata.name).sort(), ['payments-accounts', 'payments-payments', 'payments-root', 'payments-worker']);
  for (const s of selected) {
    assert.ok(s.spec.ports.some((p: any) => p.name === 'metrics'), s.metadata.name);
    // Each Service's selector reaches a Deployment whose pods carry the metrics port.
    const pods = appPods(objs).filter((d) => matches({ matchLabels: s.spec.selector }, d.spec.template.metadata.labels));
    assert.is(pods.length, 1, s.metadata.name);
  }
  const worker = find(objs, 'Service', 'payments-worker');
  assert.is(worker.spec.clusterIP, 'None');
  assert.equal(worker.spec.ports.map((p: any) => p.name), ['metrics']);
});

test('no ServiceMonitor and no worker Service by default (every other environment)', () => {
  for (const path of ['infra/gcp/k8s/europe-west1.k8s.yaml', 'infra/azure/k8s/eastus.k8s.yaml', 'infra/aws/k8s/eu-west-1.k8s.yaml', 'infra/staging/k8s/default.k8s.yaml']) {
    const objs = objects(path);
    assert.not.ok(objs.some((o) => o.kind === 'ServiceMonitor'), path);
    assert.not.ok(objs.some((o) => o.kind === 'Service' && o.metadata.name === 'payments-worker'), path);
  }
});

test('otlpEndpoint → OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_SERVICE_NAME in the ConfigMap; none without it; env overrides', () => {
  const prod = find(objects('infra/prod/k8s/eu-west.k8s.yaml'), 'ConfigMap', 'payments-config').data;
  assert.is(prod.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector.monitoring.svc:4318');
  assert.is(prod.OTEL_SERVICE_NAME, 'payments');
  const gcp = find(objects('infra/gcp/k8s/europe-west1.k8s.yaml'), 'ConfigMap', 'payments-config').data;
  assert.not.ok(Object.keys(gcp).some((k) => k.startsWith('OTEL_')));
  const d = build.config.deploy!.prod!;
  const config = { ...build.config, deploy: { prod: { ...d, env: { ...d.env, OTEL_SERVICE_NAME: 'payments-eu' } } } };
  const files = emitInfra(build.model, config, build.artifacts.filter((a) => !a.path.startsWith('infra/')));
  const data = find(parseK8sYaml(String(files.find((a) => a.path === 'infra/prod/k8s/eu-west.k8s.yaml')!.contents)), 'ConfigMap', 'payments-config').data;
  assert.is(data.OTEL_SERVICE_NAME, 'payments-eu');
});

test('the validator rejects a broken ServiceMonitor (the schema check is not vacuous)', () => {
  const sm = structuredClone(find(objects('infra/prod/k8s/eu-west.k8s.yaml'), 'ServiceMonitor', 'payments'));
  sm.spec.endpoints = 'metrics';
  assert.throws(() => validateK8s(sm), /endpoints/);
});

test('config: the observability keys are checked (a wrong type or URL is GATI4002, an unknown key GATI4001)', () => {
  const check = (observability: object) => {
    const config = { name: 'payments', deploy: { prod: { provider: 'kubernetes', observability } } };
    const bag = new DiagnosticBag();
    validateConfig(config, 'gati.config.json', JSON.stringify(config, null, 2), bag);
    return bag.items.map(formatCompact).join('\n');
  };
  assert.is(check({ serviceMonitor: true, otlpEndpoint: 'https://otel.example.com:4318' }), '');
  assert.match(check({ serviceMonitor: 'yes' }), 'GATI4002');
  assert.match(check({ otlpEndpoint: 'otel:4318' }), 'GATI4002');
  assert.match(check({ podMonitor: true }), 'GATI4001');
});

// ---- the Grafana dashboard ----

const dashboard = () => JSON.parse(text('infra/prod/grafana/payments.json'));
const exprs = (d: any): string[] => d.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
const panelTitles = (d: any): string[] => d.panels.map((p: any) => p.title);

/** Metric names a PromQL expression reads: identifiers outside strings, braces, ranges and grouping clauses, not followed by `(` (functions), not keywords. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)].filter((m) => !m[2] && !PROMQL_WORDS.has(m[1]!)).map((m) => m[1]!);
}

/** Names an expression reads that are not the contract's metrics (histograms through their _bucket/_count/_sum series), or 'no metric'. */
function nonContractMetrics(expr: string): string[] {
  const names = metricNames(expr);
  if (names.length === 0) return ['no metric'];
  return names.filter((name) => {
    const base = name.replace(/_(bucket|count|sum)$/, '');
    return !(CONTRACT_METRICS.has(name) || (HISTOGRAMS.has(base) && base !== name));
  });
}

test('the dashboard is one file per environment, identical, with schema ≥ 39, the app\'s uid and a Prometheus datasource variable', () => {
  const envs = ['aws', 'azure', 'gcp', 'prod', 'staging'];
  const files = envs.map((env) => text(`infra/${env}/grafana/payments.json`));
  assert.ok(files.every((f) => f === files[0]));
  const d = dashboard();
  assert.ok(d.schemaVersion >= 39);
  assert.is(d.uid, 'gati-payments');
  const ds = d.templating.list.find((v: any) => v.name === 'datasource');
  assert.equal([ds.type, ds.query], ['datasource', 'prometheus']);
  for (const p of d.panels.filter((x: any) => x.type !== 'row')) {
    assert.equal(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
    for (const t of p.targets) assert.equal(t.datasource, { type: 'prometheus', uid: '${datasource}' });
  }
  assert.is(dashboardUid('a'.repeat(60)).length, 40);
  assert.match(dashboardUid('a'.repeat(60)), /^[A-Za-z0-9_-]+$/);
});

test('the route variable lists every compiled HTTP route template; latency p50/p95/p99 by http_route over the histogram buckets', () => {
  const d = dashboard();
  const route = d.templating.list.find((v: any) => v.name === 'route');
  const httpPaths = [...new Set(build.model.routes.filter((r) => r.method !== 'WS').map((r) => r.path))].sort();
  assert.ok(httpPaths.length >= 5);
  assert.equal(route.options.filter((o: any) => o.value !== '$__all').map((o: any) => o.value), httpPaths);
  assert.is(route.query, httpPaths.join(','));
  assert.is(route.allValue, '.*');
  for (const [q, name] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
    const panel = d.panels.find((p: any) => p.title === `Latency ${name} by route`);
    assert.ok(panel, name);
    assert.is(panel.targets.length, 1);
    const expr: string = panel.targets[0].expr;
    assert.ok(expr.startsWith(`histogram_quantile(${q}, sum by (http_route, le) (rate(http_server_request_duration_seconds_bucket{`), expr);
    assert.ok(expr.includes('http_route=~"$route"'), expr);
  }
  const errors = d.panels.find((p: any) => p.title === 'Error ratio (5xx) by route').targets[0].expr;
  assert.ok(errors.includes('http_response_status_code=~"5.."'), errors);
});

test('every PromQL expression reads only the contract\'s metric names (and the checker catches a typo)', () => {
  const all = exprs(dashboard());
  assert.ok(all.length >= 10, `${all.length} expressions`);
  for (const e of all) assert.equal(nonContractMetrics(e), [], e);
  const used = new Set(all.flatMap(metricNames).map((n) => n.replace(/_(bucket|count|sum)$/, '')));
  assert.equal([...used].sort(), [...CONTRACT_METRICS].sort(), 'with effects and WS routes, the dashboard uses every metric');
  assert.equal(nonContractMetrics('sum(rate(http_server_request_duration_second_bucket{namespace=~"$namespace"}[5m]))'), ['http_server_request_duration_second_bucket']);
  assert.equal(nonContractMetrics('sum by (effect) (gati_effect_queue_depht{effect="x"}) / on (effect) gati_effect_jobs_total'), ['gati_effect_queue_depht']);
  assert.equal(nonContractMetrics('sum(gati_ws_connections_bucket{})'), ['gati_ws_connections_bucket']);
  assert.equal(nonContractMetrics('sum(rate(up[5m]))'), ['up']);
  assert.equal(nonContractMetrics('vector(1)'), ['no metric']);
});

/**
 * Parses expressions with Prometheus's own parser (`promtool check rules`, Debian's prometheus
 * package), Grafana's variables replaced by what Grafana sends; null when promtool is not installed.
 */
function promtoolCheck(expressions: string[]): { ok: boolean; output: string } | null {
  if (spawnSync('promtool', ['--version']).error) return null;
  const dir = mkdtempSync(join(tmpdir(), 'gati-promql-'));
  try {
    const rules = expressions.map((e, i) => ({ record: `gati:check:${i}`, expr: e.replace(/\$__rate_interval/g, '2m').replace(/\$(namespace|route)\b/g, '.*') }));
    writeFileSync(join(dir, 'rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const run = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('every PromQL expression parses with promtool (when Debian\'s prometheus is installed)', () => {
  const result = promtoolCheck(exprs(dashboard()));
  if (!result) return console.log('  (promtool not installed: PromQL syntax not checked)');
  assert.ok(result.ok, result.output);
  assert.not.ok(promtoolCheck(['sum by (http_route (rate(http_server_active_requests[5m]))'])!.ok, 'a broken expression fails');
});

test('effect panels only with effects, WebSocket panels only with WS routes', () => {
  const full = dashboard();
  assert.ok(panelTitles(full).includes('Effects') && panelTitles(full).includes('WebSockets'));
  const model = build.model;
  const without = (m: Partial<AppModel>) => grafanaDashboard({ ...model, ...m } as AppModel) as any;
  const noEffects = without({ effects: [] });
  const noWs = without({ routes: model.routes.filter((r) => r.method !== 'WS') });
  const neither = without({ effects: [], routes: model.routes.filter((r) => r.method !== 'WS') });
  const effectExpr = (d: any) => exprs(d).filter((e) => e.includes('gati_effect_'));
  const wsExpr = (d: any) => exprs(d).filter((e) => e.includes('gati_ws_'));
  assert.is(effectExpr(full).length, 4);
  assert.is(wsExpr(full).length, 2);
  assert.equal([effectExpr(noEffects).length, wsExpr(noEffects).length], [0, 2]);
  assert.equal([effectExpr(noWs).length, wsExpr(noWs).length], [4, 0]);
  assert.equal([effectExpr(neither).length, wsExpr(neither).length], [0, 0]);
  assert.not.ok(panelTitles(neither).includes('Effects') || panelTitles(neither).includes('WebSockets'));
  // Panel ids stay unique and panels never overlap.
  for (const d of [full, noEffects, noWs, neither]) {
    const ids = d.panels.map((p: any) => p.id);
    assert.is(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const p of d.panels) for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
      assert.not.ok(cells.has(`${x},${y}`), `overlap at ${x},${y}`);
      cells.add(`${x},${y}`);
    }
  }
});

test('500 routes: still one latency query per quantile, the routes listed in the variable, byte-stable output', () => {
  const model = build.model;
  const base = model.routes.find((r) => r.method === 'GET')!;
  const routes = Array.from({ length: 500 }, (_, i) => ({ ...base, key: `GET /r${i}/:id`, path: `/r${i}/:id` }));
  const d = grafanaDashboard({ ...model, routes } as AppModel) as any;
  assert.is(d.templating.list.find((v: any) => v.name === 'route').options.length, 501);
  assert.is(d.panels.length, dashboard().panels.length - 3, 'no WS row and panels; no panel per route');
  assert.is(JSON.stringify(grafanaDashboard({ ...model, routes: [...routes].reverse() } as AppModel)), JSON.stringify(d));
});

function matches(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every((e) => (e.operator === 'In' ? e.values.includes(labels[e.key]!) : assert.unreachable(`operator ${e.operator}`)));
  return byLabel && byExpression;
}

test.run();
