// Regions that share a cluster (issue 22 item 3): two regions whose charts `gati deploy` would apply
// to the same kubectl context and namespace are GATI4012 (the objects have the same names, so the
// second region silently replaced the first); a kubeContext or a namespace with `{region}` keeps
// them apart, and the namespace then follows the region in the charts and the deploy steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../compiler/config/validate-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { buildApp, type BuildResult } from '../driver/build.js';
import { emitInfra, type DeployManifest } from '../emitters/infra/index.js';
import { deploySteps, formatStep } from '../bin/deploy/steps.js';
import { infraApp } from './helpers/infra-app.js';
import { parseK8sYaml } from './helpers/k8s-validate.js';

function check(env: Record<string, unknown>): string[] {
  const config = { name: 'payments', deploy: { prod: env } };
  const text = JSON.stringify(config, null, 2);
  const bag = new DiagnosticBag();
  validateConfig(config, 'gati.config.json', text, bag);
  return bag.items.map(formatCompact);
}

test('two regions without kubeContext: GATI4012 names both regions and the current context', () => {
  const out = check({ provider: 'kubernetes', regions: ['eu-west', 'us-east'] });
  assert.is(out.length, 1, out.join('\n'));
  assert.match(out[0]!, "error GATI4012: deploy environment 'prod': the regions 'eu-west' and 'us-east' both deploy to the current kubectl context (no `kubeContext`)");
});

test('a kubeContext without {region} is one context for every region: GATI4012 names it', () => {
  for (const provider of ['kubernetes', 'gcp'] as const) {
    const out = check({ provider, regions: ['a', 'b', 'c'], domain: 'pay.example.com', kubeContext: 'prod' });
    assert.is(out.length, 1, out.join('\n'));
    assert.match(out[0]!, "the regions 'a' and 'b' both deploy to the kubectl context 'prod' and the same namespace (the app name, by default)");
  }
});

test('one context per region, or one namespace per region, or one region, or a custom script: no GATI4012', () => {
  assert.equal(check({ provider: 'kubernetes', regions: ['eu-west', 'us-east'], kubeContext: 'prod-{region}' }), []);
  assert.equal(check({ provider: 'kubernetes', regions: ['eu-west', 'us-east'], namespace: 'payments-{region}' }), []);
  assert.equal(check({ provider: 'kubernetes', regions: ['eu-west'] }), []);
  assert.equal(check({ provider: 'kubernetes' }), []);
  assert.equal(check({ provider: 'custom', regions: ['a', 'b'], custom: { deployScript: './deploy.sh' } }), []);
});

let build: BuildResult;
const app = infraApp();
test.after(() => app.remove());

test('namespace with {region}: each region chart, its module URLs and its kubectl steps use its own namespace', async () => {
  build = await buildApp(app.root);
  assert.equal(build.diagnostics, []);
  const config = { ...build.config, deploy: { shared: { provider: 'kubernetes' as const, regions: ['eu-west', 'us-east'], namespace: 'payments-{region}', domain: 'pay.example.com' } } };
  const files = emitInfra(build.model, config, build.artifacts.filter((a) => !a.path.startsWith('infra/')));
  const yaml = (path: string) => parseK8sYaml(String(files.find((a) => a.path === path)!.contents));
  assert.equal(yaml('infra/shared/k8s/cluster.k8s.yaml').map((o) => `${o.kind} ${o.metadata.name}`), ['Namespace payments-eu-west', 'Namespace payments-us-east', 'ClusterIssuer letsencrypt-prod']);
  for (const region of ['eu-west', 'us-east']) {
    const objs = yaml(`infra/shared/k8s/${region}.k8s.yaml`);
    for (const o of objs) assert.is(o.metadata.namespace, `payments-${region}`, `${o.kind} ${o.metadata.name}`);
    // One cluster, one ingress controller: only the primary's Ingress claims the shared domain.
    const ingress = objs.find((o) => o.kind === 'Ingress')!;
    assert.equal(ingress.spec.rules.map((r: any) => r.host), region === 'eu-west' ? ['pay.example.com', 'eu-west.pay.example.com'] : ['us-east.pay.example.com']);
    const config = objs.find((o) => o.kind === 'ConfigMap')!;
    assert.is(config.data!.GATI_MODULE_FRAUD_URL, `http://payments-module-fraud.payments-${region}.svc.cluster.local`);
  }
  const manifest = JSON.parse(String(files.find((a) => a.path === 'infra/shared/deploy.json')!.contents)) as DeployManifest;
  const steps = deploySteps(manifest, { files: 'infra/shared', image: false, rollback: false }).map(formatStep);
  assert.equal(steps.filter((s) => s.includes('rollout')), [
    'kubectl rollout status deployment -n payments-eu-west -l app.kubernetes.io/instance=payments-shared --timeout=10m',
    'kubectl rollout status deployment -n payments-us-east -l app.kubernetes.io/instance=payments-shared --timeout=10m',
  ]);
});

test.run();
