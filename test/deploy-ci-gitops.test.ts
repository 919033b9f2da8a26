// CI/CD outputs (issue 22 item 5): `deploy.<env>.ci: 'github-actions'` writes
// .github/workflows/gati-<env>.yml, validated with action-validator (the SchemaStore workflow
// schema); `deploy.<env>.gitops: 'argocd'` writes an Argo CD Application (one region) or an
// ApplicationSet (several), validated with @kubernetes-models/argo-cd (the Argo CD CRD schemas).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { buildApp, type BuildResult } from '../driver/build.js';
import { emitInfra } from '../emitters/infra/index.js';
import { validateConfig } from '../compiler/config/validate-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import type { Artifact } from '../emitters/artifact.js';
import type { DeployEnvConfig } from '../runtime-shim/config.js';
import { infraApp } from './helpers/infra-app.js';

const require = createRequire(import.meta.url);
const argo = require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1') as Record<string, new (data: unknown) => { validate(): void }>;
const { validateWorkflow } = require('@action-validator/core') as { validateWorkflow(src: string): { errors: unknown[] } };

const app = infraApp();
test.after(() => app.remove());
let build: BuildResult;
test.before(async () => {
  build = await buildApp(app.root);
  assert.equal(build.diagnostics, []);
});

function emit(env: string, d: DeployEnvConfig): Artifact[] {
  return emitInfra(build.model, { ...build.config, deploy: { [env]: d } }, build.artifacts.filter((a) => !a.path.startsWith('infra/')));
}
const text = (files: Artifact[], path: string) => {
  const file = files.find((a) => a.path === path);
  assert.ok(file, `${path} among ${files.map((f) => f.path).join(', ')}`);
  return String(file!.contents);
};
function validateArgo(object: any): void {
  new argo[object.kind]!(object).validate();
}

const REPO_URL = 'https://github.com/acme/payments.git';

test('gitops argocd, several regions: an ApplicationSet whose Applications each sync the cluster chart and one region chart to that region’s cluster', () => {
  const files = emit('prod', { provider: 'kubernetes', regions: ['eu-west', 'us-east'], domain: 'pay.example.com', kubeContext: 'prod-{region}', gitops: 'argocd', argocd: { repoURL: REPO_URL, revision: 'main' } });
  const set = parse(text(files, 'infra/prod/argocd/applicationset.yaml'));
  validateArgo(set);
  assert.is(set.kind, 'ApplicationSet');
  assert.equal(set.spec.generators[0].list.elements, [
    { region: 'eu-west', namespace: 'payments', cluster: 'prod-eu-west' },
    { region: 'us-east', namespace: 'payments', cluster: 'prod-us-east' },
  ]);
  const t = set.spec.template.spec;
  assert.equal(t.source, { repoURL: REPO_URL, targetRevision: 'main', path: 'infra/prod/k8s', directory: { include: '{cluster.k8s.yaml,{{region}}.k8s.yaml}' } });
  assert.equal(t.destination, { name: '{{cluster}}', namespace: '{{namespace}}' });
  // The files it includes exist, one per region.
  for (const region of ['eu-west', 'us-east']) text(files, `infra/prod/k8s/${region}.k8s.yaml`);
  text(files, 'infra/prod/k8s/cluster.k8s.yaml');
});

test('gitops argocd, one region: an Application, validated against the Argo CD schema (which does catch a broken one)', () => {
  const files = emit('solo', { provider: 'kubernetes', gitops: 'argocd', argocd: { repoURL: REPO_URL } });
  const application = parse(text(files, 'infra/solo/argocd/application.yaml'));
  validateArgo(application);
  assert.equal([application.kind, application.spec.destination, application.spec.source.targetRevision, application.spec.project], ['Application', { server: 'https://kubernetes.default.svc', namespace: 'payments' }, 'HEAD', 'default']);
  assert.equal(application.spec.syncPolicy.automated, { prune: true, selfHeal: true });
  const broken = structuredClone(application);
  broken.spec.syncPolicy.automated.prune = 'yes';
  assert.throws(() => validateArgo(broken));
});

test("ci github-actions: a workflow that tests, then deploys in the GitHub environment with the cloud's OIDC login; valid per action-validator", () => {
  const cases: [string, DeployEnvConfig, RegExp[]][] = [
    ['aws', build.config.deploy!.aws!, [/aws-actions\/configure-aws-credentials@v4/, /aws eks update-kubeconfig --region us-east-1 --name \$\{\{ vars.GATI_CLUSTER_US_EAST_1 \}\} --alias eks-us-east-1/]],
    ['gcp', build.config.deploy!.gcp!, [/google-github-actions\/auth@v2/, /gcloud container clusters get-credentials \$\{\{ vars.GATI_CLUSTER_US_CENTRAL1 \}\} --region us-central1/]],
    ['azure', build.config.deploy!.azure!, [/azure\/login@v2/, /az aks get-credentials --resource-group payments-prod --name \$\{\{ vars.GATI_CLUSTER_EASTUS \}\} --context aks-eastus/]],
    ['prod', build.config.deploy!.prod!, [/KUBECONFIG_DATA: \$\{\{ secrets.KUBECONFIG \}\}/]],
  ];
  for (const [env, d, patterns] of cases) {
    const files = emit(env, { ...d, ci: 'github-actions' });
    const source = text(files, `.github/workflows/gati-${env}.yml`);
    const state = validateWorkflow(source);
    assert.equal(state.errors, [], `${env}: ${JSON.stringify(state.errors)}`);
    const workflow = parse(source);
    assert.equal(workflow.jobs.test.steps.map((s: any) => s.run).filter(Boolean), ['npm ci', 'npm test']);
    const deploy = workflow.jobs.deploy;
    assert.equal([deploy.needs, deploy.environment, deploy.permissions['id-token']], ['test', env, 'write']);
    const runs = deploy.steps.map((s: any) => s.run).filter(Boolean);
    assert.equal([runs.at(-3), runs.at(-1)], ['npx gati build', `npx gati deploy ${env}`]);
    assert.match(runs.at(-2), 'git status --porcelain -- .gati/versions', 'a version recorded on the runner fails the job');
    assert.ok(deploy.steps.some((s: any) => s.uses === 'docker/login-action@v3' && s.with.registry === 'ghcr.io'), `${env}: logs in to ghcr.io`);
    for (const p of patterns) assert.match(source, p, env);
  }
});

test('a workflow the validator rejects is caught (a guard against a vacuous check)', () => {
  assert.ok(validateWorkflow('name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: 7\n').errors.length > 0);
});

test("gitops: 'argocd' without argocd.repoURL, or argocd without gitops, is GATI4011", () => {
  const check = (env: object) => {
    const config = { name: 'payments', deploy: { prod: env } };
    const bag = new DiagnosticBag();
    validateConfig(config, 'gati.config.json', JSON.stringify(config, null, 2), bag);
    return bag.items.map(formatCompact).join('\n');
  };
  assert.match(check({ provider: 'kubernetes', gitops: 'argocd' }), "GATI4011: deploy environment 'prod' (provider 'kubernetes'): 'argocd.repoURL' is required: the Git repository Argo CD syncs infra/ from");
  assert.match(check({ provider: 'kubernetes', argocd: { repoURL: REPO_URL } }), "'argocd' applies only with gitops: 'argocd'");
  assert.match(check({ provider: 'kubernetes', ci: 'gitlab' }), 'GATI4002');
});

test.run();
