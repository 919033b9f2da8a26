// Kubernetes infrastructure of fixtures/payments-infra (split 'domain', two regions per environment, an
// effects worker, a container module): golden files, offline schema validation of every object with
// kubernetes-models (+ cert-manager, GKE), and the properties a zero-downtime rollout depends on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BuildResult } from '../driver/build.js';
import { emitInfra, contentHash } from '../emitters/infra/index.js';
import { imageInputs } from '../emitters/index.js';
import { fixture } from './helpers/paths.js';
import { artifactReader, builtInfraApp } from './helpers/infra-app.js';
import { assertGolden } from './helpers/golden.js';
import { parseK8sYaml, validateK8s, type K8sObject } from './helpers/k8s-validate.js';

let build: BuildResult;
const { text, objects } = artifactReader(() => build.artifacts);
const find = (objs: K8sObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name}`);
  return o!;
};

test.before(async () => {
  ({ build } = await builtInfraApp());
});

test('payments-infra builds clean and emits the Dockerfile and every environment', () => {
  assert.equal(build.diagnostics, []);
  const infra = build.artifacts.filter((a) => a.path.startsWith('infra/')).map((a) => a.path);
  for (const env of ['aws', 'azure', 'gcp', 'prod', 'staging']) assert.ok(infra.includes(`infra/${env}/deploy.json`), env);
  assert.ok(infra.includes('infra/prod/k8s/eu-west.k8s.yaml') && infra.includes('infra/prod/k8s/us-east.k8s.yaml'));
  assert.ok(infra.includes('infra/aws/aws/payments-aws-edge.template.json'));
  assert.ok(infra.includes('infra/azure/azure/frontdoor.template.json'));
});

test('golden files: Dockerfile, .dockerignore and every infra file', () => {
  for (const a of build.artifacts.filter((x) => x.path.startsWith('infra/') || x.path.startsWith('dist/Dockerfile') || x.path === 'dist/.dockerignore')) {
    assertGolden(fixture('payments-infra', 'expected', a.path), String(a.contents), a.path);
  }
});

test('every emitted Kubernetes object validates with kubernetes-models (core, cert-manager, GKE)', () => {
  let count = 0;
  const kinds = new Set<string>();
  for (const a of build.artifacts.filter((x) => x.path.endsWith('.k8s.yaml'))) {
    for (const o of parseK8sYaml(String(a.contents))) {
      validateK8s(o);
      kinds.add(`${o.apiVersion} ${o.kind}`);
      count++;
    }
  }
  assert.ok(count > 100, `${count} objects`);
  for (const k of ['apps/v1 Deployment', 'v1 Service', 'autoscaling/v2 HorizontalPodAutoscaler', 'policy/v1 PodDisruptionBudget', 'v1 ConfigMap', 'networking.k8s.io/v1 Ingress', 'cert-manager.io/v1 ClusterIssuer', 'v1 Namespace', 'cloud.google.com/v1 BackendConfig', 'networking.gke.io/v1beta1 FrontendConfig', 'networking.gke.io/v1 ManagedCertificate']) {
    assert.ok(kinds.has(k), `emits ${k}`);
  }
});

test('the validator does catch a broken object (a guard against a vacuous check)', () => {
  const d = structuredClone(find(objects('infra/prod/k8s/us-east.k8s.yaml'), 'Deployment', 'payments-payments'));
  d.spec.replicas = 'two';
  assert.throws(() => validateK8s(d), /replicas/);
});

test("split 'domain': one Deployment, Service, HPA and PDB per top-level handler folder; the Ingress routes prefixes to them", () => {
  const objs = objects('infra/prod/k8s/us-east.k8s.yaml');
  for (const c of ['accounts', 'payments', 'root']) {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) find(objs, kind, `payments-${c}`);
  }
  const ingress = find(objs, 'Ingress', 'payments');
  const paths = ingress.spec.rules[0].http.paths.map((p: any) => `${p.path} ${p.pathType} ${p.backend.service.name}`);
  assert.equal(paths, ['/ Prefix payments-root', '/accounts Prefix payments-accounts', '/health Prefix payments-root', '/payments Prefix payments-payments', '/receipts Prefix payments-root']);
  assert.equal(ingress.spec.rules.map((r: any) => r.host), ['pay.example.com', 'us-east.pay.example.com']);
  // us-east is the secondary: it orders only its own host (test/deploy-certificates.test.ts).
  assert.equal(ingress.spec.tls, [{ hosts: ['us-east.pay.example.com'], secretName: 'payments-tls' }]);
  assert.is(ingress.metadata.annotations!['cert-manager.io/cluster-issuer'], 'letsencrypt-prod');
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'payments-payments');
  assert.equal([hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization], [2, 12, 65]);
});

test('rollouts lose no request: readiness /_ready, liveness /_health, maxUnavailable 0, preStop and a grace period past the shutdown deadline', () => {
  const shutdownSeconds = 15; // server.shutdownTimeoutMs of the fixture
  for (const region of ['eu-west', 'us-east']) {
    for (const d of objects(`infra/prod/k8s/${region}.k8s.yaml`).filter((o) => o.kind === 'Deployment' && !o.metadata.name.includes('module'))) {
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      assert.is(c.readinessProbe.httpGet.path, '/_ready', d.metadata.name);
      assert.is(c.livenessProbe.httpGet.path, '/_health');
      assert.is(d.spec.strategy.rollingUpdate.maxUnavailable, 0);
      assert.is(d.spec.replicas, undefined, 'the HPA owns replicas');
      const preStop = Number(c.lifecycle.preStop.exec.command[1]);
      assert.ok(pod.terminationGracePeriodSeconds > shutdownSeconds + preStop, `grace ${pod.terminationGracePeriodSeconds}`);
      assert.equal(c.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      assert.equal(c.volumeMounts, [{ mountPath: '/tmp', name: 'tmp' }]);
      assert.equal(pod.volumes, [{ emptyDir: {}, name: 'tmp' }]);
      assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
      assert.equal(c.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]), [['API_TOKEN', 'payments-api', 'token'], ['DATABASE_URL', 'payments-db', 'url']]);
    }
  }
});

test('a container module scales on its own: Deployment, Service, HPA and PDB, health-checked by the wire protocol', () => {
  const objs = objects('infra/prod/k8s/eu-west.k8s.yaml');
  const mod = find(objs, 'Deployment', 'payments-module-fraud');
  assert.is(mod.spec.replicas, undefined, 'the autoscaler owns the replica count');
  const container = mod.spec.template.spec.containers[0];
  assert.equal(container.readinessProbe.httpGet, { path: '/_health', port: 'http' });
  assert.equal(container.ports[0].containerPort, 8080);
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'payments-module-fraud');
  assert.equal(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments-module-fraud' });
  assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
  const pdb = find(objs, 'PodDisruptionBudget', 'payments-module-fraud');
  assert.equal(pdb.spec.selector.matchLabels, mod.spec.selector.matchLabels);
  assert.equal(find(objs, 'Service', 'payments-module-fraud').spec.selector, mod.spec.selector.matchLabels);
});

test('the effects worker and the container module get their own Deployments', () => {
  const objs = objects('infra/prod/k8s/eu-west.k8s.yaml');
  const worker = find(objs, 'Deployment', 'payments-worker');
  assert.equal(worker.spec.template.spec.containers[0].args, ['start', '--role', 'worker']);
  assert.equal(find(objs, 'Deployment', 'payments-payments').spec.template.spec.containers[0].args, ['start', '--role', 'api', '--workers', '1']);
  find(objs, 'HorizontalPodAutoscaler', 'payments-worker');
  const mod = find(objs, 'Deployment', 'payments-module-fraud');
  assert.is(mod.spec.template.spec.containers[0].image, 'ghcr.io/acme/fraud-scorer:1.4.2');
  assert.is(find(objs, 'Service', 'payments-module-fraud').spec.ports[0].targetPort, 'http');
  const config = find(objs, 'ConfigMap', 'payments-config');
  assert.is(config.data!.GATI_MODULE_FRAUD_URL, 'http://payments-module-fraud.payments.svc.cluster.local');
  assert.is(config.data!.GATI_REGION, 'eu-west');
});

test('workers.enabled false: no worker Deployment, and the api pods run the effect jobs (--role all)', () => {
  const prod = build.config.deploy!.prod!;
  const config = { ...build.config, deploy: { prod: { ...prod, workers: { ...prod.workers, enabled: false } } } };
  const files = emitInfra(build.model, config, build.artifacts.filter((a) => !a.path.startsWith('infra/')));
  const objs = parseK8sYaml(String(files.find((a) => a.path === 'infra/prod/k8s/eu-west.k8s.yaml')!.contents));
  assert.not.ok(objs.some((o) => o.kind === 'Deployment' && o.metadata.name === 'payments-worker'));
  assert.equal(find(objs, 'Deployment', 'payments-payments').spec.template.spec.containers[0].args, ['start', '--role', 'all', '--workers', '1']);
});

test('the Dockerfile follows the target engine (Deno keeps its cache in the writable /tmp)', () => {
  const built = build.artifacts.filter((a) => !a.path.startsWith('infra/'));
  const dockerfile = (runtime: 'node' | 'bun' | 'deno') => emitInfra(build.model, build.config, built, { runtime }).find((a) => a.path === 'dist/Dockerfile')!.contents as string;
  assert.match(dockerfile('node'), /^FROM node:20-slim$/m);
  assert.match(dockerfile('bun'), /^FROM oven\/bun:1\.4\.4-slim$/m);
  assert.match(dockerfile('deno'), /^ENV NODE_ENV=production HOST=0\.0\.0\.0 PORT=3000 DENO_DIR=\/tmp\/deno-dir$/m);
});

test('cluster-scoped objects live in their own chart, without a namespace', () => {
  const objs = objects('infra/prod/k8s/cluster.k8s.yaml');
  assert.equal(objs.map((o) => `${o.kind} ${o.metadata.name}`), ['Namespace payments', 'ClusterIssuer letsencrypt-prod']);
  for (const o of objs) assert.is(o.metadata.namespace, undefined);
  assert.is(find(objs, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.email, 'ops@example.com');
  for (const o of objects('infra/prod/k8s/us-east.k8s.yaml')) assert.is(o.metadata.namespace, 'payments', `${o.kind} ${o.metadata.name}`);
});

test('GCP: Cloud CDN BackendConfig, FrontendConfig (HTTPS redirect) and ManagedCertificate wired through annotations', () => {
  const objs = objects('infra/gcp/k8s/us-central1.k8s.yaml');
  assert.is(find(objs, 'BackendConfig', 'payments-backend').spec.cdn.enabled, true);
  assert.is(find(objs, 'FrontendConfig', 'payments-frontend').spec.redirectToHttps.enabled, true);
  assert.equal(find(objs, 'ManagedCertificate', 'payments-cert').spec.domains, ['us-central1.pay.example.com']);
  const ingress = find(objs, 'Ingress', 'payments');
  assert.is(ingress.metadata.annotations!['networking.gke.io/managed-certificates'], 'payments-cert');
  assert.is(find(objs, 'Service', 'payments-payments').metadata.annotations!['cloud.google.com/backend-config'], '{"default":"payments-backend"}');
  assert.equal(objects('infra/gcp/k8s/cluster.k8s.yaml').map((o) => o.kind), ['Namespace'], 'no cert-manager issuer: Google manages the certificate');
});

test('Azure: Front Door origins by priority, probes on /_ready every 10 s, managed TLS', () => {
  const t = JSON.parse(text('infra/azure/azure/frontdoor.template.json'));
  const byType = (type: string) => t.resources.filter((r: any) => r.type === type);
  const group = byType('Microsoft.Cdn/profiles/originGroups')[0];
  assert.equal(group.properties.healthProbeSettings, { probePath: '/_ready', probeRequestType: 'GET', probeProtocol: 'Https', probeIntervalInSeconds: 10 });
  assert.equal(byType('Microsoft.Cdn/profiles/originGroups/origins').map((o: any) => [o.name, o.properties.priority]), [['payments-azure-fd/regions/westeurope', 1], ['payments-azure-fd/regions/eastus', 2]]);
  assert.is(byType('Microsoft.Cdn/profiles/customDomains')[0].properties.tlsSettings.certificateType, 'ManagedCertificate');
  assert.is(byType('Microsoft.Cdn/profiles/afdEndpoints/routes')[0].properties.httpsRedirect, 'Enabled');
});

test('the Dockerfile: multi-stage node:20-slim, only the runtime dependencies, non-root, node dist/server.mjs, HEALTHCHECK on /_health', () => {
  const d = text('dist/Dockerfile');
  assert.is(d.match(/^FROM node:20-slim/gm)!.length, 2);
  const [deps, final] = d.split(/^FROM .*$/m).slice(1) as [string, string];
  assert.match(deps, /npm ci --no-audit/);
  assert.match(deps, /^RUN node_modules\/\.bin\/gati runtime-deps \. --out \/runtime$/m);
  // The final stage copies the pruned packages, package.json and dist/, nothing else, and runs the launcher.
  assert.equal(final.match(/^COPY .*$/gm), ['COPY --from=deps /runtime/node_modules ./node_modules', 'COPY package.json ./', 'COPY dist ./dist']);
  assert.not.match(final, /gati\.mjs|\.bin\/gati|npm /);
  assert.match(final, /^USER 1000:1000$/m);
  assert.match(final, /^HEALTHCHECK .*\/_health/m);
  assert.match(final, /^ENTRYPOINT \["node","dist\/server\.mjs"\]$/m);
  assert.match(text('dist/Dockerfile.dockerignore'), /^\*\*\n!package.json/m);
});

test('byte-stable: a second emit gives the same bytes; the image tag is the content hash of the build', () => {
  // The build phase's outputs before infra, as the infra emitter gets them (imageInputs).
  const again = emitInfra(build.model, build.config, imageInputs(build.artifacts.filter((a) => !a.path.startsWith('infra/') && !a.path.startsWith('dist/Docker') && a.path !== 'dist/.dockerignore')));
  const first = build.artifacts.filter((a) => a.path.startsWith('infra/') || a.path.startsWith('dist/Docker') || a.path === 'dist/.dockerignore');
  assert.equal(again.map((a) => [a.path, String(a.contents)]), first.map((a) => [a.path, String(a.contents)]));
  const prod = JSON.parse(text('infra/prod/deploy.json'));
  assert.match(prod.version, /^[0-9a-f]{12}$/);
  assert.is(prod.image.ref, `ghcr.io/acme/payments:${prod.version}`);
  const changed = emitInfra(build.model, build.config, [{ path: 'dist/server.mjs', contents: 'changed' }]);
  assert.not.equal(JSON.parse(String(changed.find((a) => a.path === 'infra/prod/deploy.json')!.contents)).version, prod.version);
  assert.is(JSON.parse(text('infra/staging/deploy.json')).version, 'staging', 'a configured tag wins');
  assert.is(contentHash([{ path: 'a', contents: 'x' }]), contentHash([{ path: 'a', contents: 'x' }]));
});

test('an app without routes still gets one api component (split domain has nothing to split)', () => {
  const empty = { ...build.model, routes: [] };
  const files = emitInfra(empty, { deploy: { prod: { provider: 'kubernetes', split: 'domain' } } }, []);
  const objs = parseK8sYaml(String(files.find((a) => a.path === 'infra/prod/k8s/default.k8s.yaml')!.contents));
  assert.ok(objs.some((o) => o.kind === 'Deployment' && o.metadata.name === 'payments-api'));
  for (const o of objs) validateK8s(o);
});

test.run();
