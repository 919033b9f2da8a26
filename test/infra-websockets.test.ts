// WebSocket routes through the deployed edges (issue 17): a real build of the infrastructure app
// (fixtures/payments with fixtures/payments-infra's deploy config) plus one WS route. Each edge
// proxies the Upgrade by itself; what it needs is a longer idle timeout than its 60 s (nginx, the
// ALB) or, on GKE, a backend timeout that bounds a socket's life, not a request's. The app without
// WS routes keeps its outputs unchanged (test/infra-k8s.test.ts compares them with the goldens).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { fixture } from './helpers/paths.js';
import { artifactReader, builtInfraApp, infraApp } from './helpers/infra-app.js';
import { parseK8sYaml, validateK8s, type K8sObject } from './helpers/k8s-validate.js';
import { WEBSOCKET_EDGE_TIMEOUT_SECONDS } from '../emitters/infra-k8s/websocket-edge.js';

const app = infraApp();
test.after(() => app.remove());
let build: BuildResult;
let plainBuild: BuildResult;
const { text, objects } = artifactReader(() => build.artifacts);
const plainReader = artifactReader(() => plainBuild.artifacts);
const ingress = (objs: K8sObject[]) => objs.find((o) => o.kind === 'Ingress')! as any;
const HOUR = String(WEBSOCKET_EDGE_TIMEOUT_SECONDS);

test.before(async () => {
  mkdirSync(join(app.root, 'src/handlers'), { recursive: true });
  cpSync(fixture('ws-chat', 'src/handlers/ticker.ws.ts'), join(app.root, 'src/handlers/ticker.ws.ts'));
  // plainBuild: the same app without the WS route (the build this process shares).
  [build, { build: plainBuild }] = await Promise.all([buildApp(app.root), builtInfraApp()]);
});

test('the build is clean and every object of every environment validates', () => {
  assert.equal(build.diagnostics.map(formatCompact), []);
  const charts = build.artifacts.filter((a) => /^infra\/[^/]+\/k8s\/.+\.yaml$/.test(a.path));
  assert.ok(charts.length >= 10, `${charts.length} charts`);
  for (const a of charts) for (const o of parseK8sYaml(String(a.contents))) validateK8s(o);
});

test('nginx (kubernetes, azure): proxy read and send timeouts of an hour, so idle sockets outlive 60 s', () => {
  for (const path of ['infra/prod/k8s/eu-west.k8s.yaml', 'infra/azure/k8s/westeurope.k8s.yaml', 'infra/azure/k8s/eastus.k8s.yaml']) {
    const i = ingress(objects(path));
    assert.is(i.spec.ingressClassName, 'nginx', path);
    assert.is(i.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'], HOUR, path);
    assert.is(i.metadata.annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'], HOUR, path);
    assert.not.ok(Object.keys(i.metadata.annotations).some((k) => k.startsWith('alb.')), path);
  }
});

test('aws: the ALB idle timeout is an hour (a load balancer attribute set through the ingress annotation)', () => {
  for (const region of ['us-east-1', 'eu-west-1']) {
    const i = ingress(objects(`infra/aws/k8s/${region}.k8s.yaml`));
    assert.is(i.spec.ingressClassName, 'alb');
    assert.is(i.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes'], `idle_timeout.timeout_seconds=${HOUR}`);
    assert.not.ok(Object.keys(i.metadata.annotations).some((k) => k.startsWith('nginx.')));
  }
  // CloudFront forwards the upgrade with every viewer header (Sec-WebSocket-Key and -Version) and no cache.
  const edge = JSON.parse(text('infra/aws/aws/payments-aws-edge.template.json')) as { Resources: Record<string, { Type: string; Properties: any }> };
  const distribution = Object.values(edge.Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!;
  const behavior = distribution.Properties.DistributionConfig.DefaultCacheBehavior;
  assert.is(behavior.OriginRequestPolicyId, 'b689b0a8-53d0-40ab-baf2-68738e2966ac', 'AllViewerExceptHostHeader');
  assert.is(behavior.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'CachingDisabled');
});

test('gcp: the BackendConfig timeout, a WebSocket\'s longest life on Google\'s load balancer, is an hour', () => {
  for (const region of ['europe-west1', 'us-central1']) {
    const objs = objects(`infra/gcp/k8s/${region}.k8s.yaml`);
    const config = objs.find((o) => o.kind === 'BackendConfig')! as any;
    assert.is(config.spec.timeoutSec, WEBSOCKET_EDGE_TIMEOUT_SECONDS);
    // GKE reads the class from the annotation; no nginx or ALB annotation leaks in.
    assert.not.ok(Object.keys(ingress(objs).metadata.annotations).some((k) => k.startsWith('nginx.') || k.startsWith('alb.')));
  }
});

test('azure: Front Door forwards the upgrade with no setting (its route has no cache, which would break it)', () => {
  const t = JSON.parse(text('infra/azure/azure/frontdoor.template.json')) as { resources: any[] };
  const routes = t.resources.filter((r) => r.type === 'Microsoft.Cdn/profiles/afdEndpoints/routes');
  assert.ok(routes.length > 0);
  for (const r of routes) assert.is(r.properties.cacheConfiguration, undefined, r.name);
});

test('without WS routes nothing changes: the same ingresses and BackendConfig as before', () => {
  for (const path of ['infra/prod/k8s/eu-west.k8s.yaml', 'infra/aws/k8s/us-east-1.k8s.yaml', 'infra/azure/k8s/eastus.k8s.yaml', 'infra/gcp/k8s/europe-west1.k8s.yaml']) {
    const annotations = Object.keys(ingress(plainReader.objects(path)).metadata.annotations ?? {});
    assert.not.ok(annotations.some((k) => /proxy-(read|send)-timeout|load-balancer-attributes/.test(k)), path);
  }
  const config = plainReader.objects('infra/gcp/k8s/europe-west1.k8s.yaml').find((o) => o.kind === 'BackendConfig')! as any;
  assert.is(config.spec.timeoutSec, 30);
});

test.run();
