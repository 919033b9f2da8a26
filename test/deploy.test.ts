// gati deploy on a copy of fixtures/payments-infra in a temp folder. There is no Kubernetes API server,
// Docker daemon or cloud account here: kubectl, docker and cdk are recording executables placed first
// on PATH, so these tests check the exact command lines; the custom provider's scripts run for real.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand, type DeployOptions } from '../bin/commands/deploy.js';
import type { Terminal } from '../bin/terminal.js';
import { PLAIN } from '../compiler/diagnostics/format.js';
import { readRecord } from '../bin/deploy/record.js';
import { REPO, fixture } from './helpers/paths.js';

const WORK = mkdtempSync(join(tmpdir(), 'gati-deploy-'));
const APP = join(WORK, 'app');
const BIN = join(WORK, 'bin');
const EMPTY_BIN = join(WORK, 'empty-bin');
const LOG = join(WORK, 'commands.log');

const baseEnv = {
  prod: { provider: 'kubernetes', regions: ['eu-west', 'us-east'], domain: 'pay.example.com', kubeContext: 'prod-{region}', split: 'domain', image: { repository: 'ghcr.io/acme/payments' }, replicas: { min: 2, max: 12 } },
  aws: { provider: 'aws', regions: ['us-east-1', 'eu-west-1'], domain: 'pay.example.com', kubeContext: 'eks-{region}', image: { repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/payments' }, aws: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' } },
  staging: { provider: 'custom', regions: ['lab'], domain: 'staging.pay.example.com', image: { repository: 'ghcr.io/acme/payments', tag: 'staging' }, custom: { deployScript: './deploy/deploy.sh', cdnScript: './deploy/cdn.mjs' } },
};
const writeConfig = (deploy: object) => writeFileSync(join(APP, 'gati.config.json'), JSON.stringify({ name: 'payments', server: { shutdownTimeoutMs: 15000 }, effects: { backend: 'redis', url: 'redis://redis.payments.svc:6379' }, modules: { fraud: { container: { image: 'ghcr.io/acme/fraud-scorer:1.4.2', port: 8080 } } }, deploy }, null, 2));

function capture(): Terminal & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { style: PLAIN, out, err, info: (l) => out.push(l), detail: () => {}, progress: () => {}, error: (t) => err.push(t), data: (t) => out.push(t) };
}

async function deploy(env: string, options: Partial<DeployOptions> = {}, path = `${BIN}:${process.env.PATH}`) {
  const saved = { PATH: process.env.PATH, KUBECONFIG: process.env.KUBECONFIG, AWS_PROFILE: process.env.AWS_PROFILE, GATI_TEST_LOG: process.env.GATI_TEST_LOG };
  Object.assign(process.env, { PATH: path, KUBECONFIG: join(WORK, 'kubeconfig'), AWS_PROFILE: 'gati-test', GATI_TEST_LOG: LOG });
  const term = capture();
  try {
    const code = await deployCommand(APP, env, { dryRun: false, rollback: false, skipImage: false, ...options }, term, false);
    return { code, out: term.out.join('\n'), err: term.err.join('\n') };
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}
const logLines = () => (existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n') : []);
const resetLog = () => rmSync(LOG, { force: true });

test.before(() => {
  mkdirSync(APP, { recursive: true });
  cpSync(fixture('payments', 'src'), join(APP, 'src'), { recursive: true });
  cpSync(fixture('payments', 'package.json'), join(APP, 'package.json'));
  writeConfig(baseEnv);
  mkdirSync(join(APP, 'deploy'));
  writeFileSync(join(APP, 'deploy', 'deploy.sh'), '#!/bin/sh\nset -e\n{ env | grep "^GATI_" | sort; echo "pwd=$(pwd)"; ls "$GATI_K8S_DIR"; } > received-deploy.txt\n');
  chmodSync(join(APP, 'deploy', 'deploy.sh'), 0o755);
  writeFileSync(join(APP, 'deploy', 'cdn.mjs'), "import { writeFileSync } from 'node:fs';\nwriteFileSync('received-cdn.json', JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('GATI_')))));\n");
  mkdirSync(BIN);
  mkdirSync(EMPTY_BIN);
  const recorder = '#!/bin/sh\nprintf \'%s\\n\' "$(basename "$0") $*" >> "$GATI_TEST_LOG"\nif [ "$1" = "--context" ] && [ "$3" = "get" ]; then echo "k8s-$2.elb.example.com"; fi\nexit 0\n';
  for (const tool of ['docker', 'kubectl', 'cdk', 'az']) {
    writeFileSync(join(BIN, tool), recorder);
    chmodSync(join(BIN, tool), 0o755);
  }
});

test.after(() => rmSync(WORK, { recursive: true, force: true }));

test('custom provider: deployScript and cdnScript run for real, with artifact paths, image, version and env', async () => {
  const r = await deploy('staging');
  assert.is(r.code, 0, r.err);
  // What is deployed is a recorded API version, as after `gati build`.
  assert.ok(readdirSync(join(APP, '.gati/versions')).some((f) => f.endsWith('.json')), 'a version snapshot was recorded');
  assert.is((JSON.parse(readFileSync(join(APP, 'dist/versions.json'), 'utf8')) as { versions: unknown[] }).versions.length, 1);
  const received = readFileSync(join(APP, 'received-deploy.txt'), 'utf8');
  const snap = '.gati/deployments/staging/0001-staging';
  for (const line of ['GATI_ENV=staging', 'GATI_APP=payments', 'GATI_VERSION=staging', 'GATI_IMAGE=ghcr.io/acme/payments:staging', 'GATI_REGIONS=lab', 'GATI_DOMAIN=staging.pay.example.com', `GATI_INFRA_DIR=${snap}`, `GATI_K8S_DIR=${snap}/k8s`, 'GATI_DOCKERFILE=dist/Dockerfile', 'GATI_ROLLBACK=0', `pwd=${APP}`, 'cluster.k8s.yaml', 'lab.k8s.yaml']) {
    assert.ok(received.split('\n').includes(line), `deploy.sh received ${line}:\n${received}`);
  }
  const cdn = JSON.parse(readFileSync(join(APP, 'received-cdn.json'), 'utf8'));
  assert.is(cdn.GATI_IMAGE, 'ghcr.io/acme/payments:staging');
  assert.ok(existsSync(join(APP, 'dist', 'Dockerfile')));
  const record = readRecord(APP, 'staging');
  assert.equal(record.history.map((e) => [e.version, e.files]), [['staging', snap]]);
});

test('kubernetes: the exact docker and kubectl command lines (recording executables first on PATH; no cluster or Docker here)', async () => {
  resetLog();
  const r = await deploy('prod');
  assert.is(r.code, 0, r.err);
  const version = readRecord(APP, 'prod').current!;
  const snap = `.gati/deployments/prod/0001-${version}`;
  const image = `ghcr.io/acme/payments:${version}`;
  assert.equal(logLines(), [
    `docker build -f dist/Dockerfile -t ${image} .`,
    `docker push ${image}`,
    `kubectl --context prod-eu-west apply --server-side --field-manager=gati --force-conflicts -f ${snap}/k8s/cluster.k8s.yaml -f ${snap}/k8s/eu-west.k8s.yaml`,
    'kubectl --context prod-eu-west rollout status deployment -n payments -l app.kubernetes.io/instance=payments-prod --timeout=10m',
    `kubectl --context prod-us-east apply --server-side --field-manager=gati --force-conflicts -f ${snap}/k8s/cluster.k8s.yaml -f ${snap}/k8s/us-east.k8s.yaml`,
    'kubectl --context prod-us-east rollout status deployment -n payments -l app.kubernetes.io/instance=payments-prod --timeout=10m',
  ]);
  assert.ok(existsSync(join(APP, snap, 'k8s', 'us-east.k8s.yaml')), 'the applied files are kept for rollback');
  assert.match(r.out, `gati deploy payments ${version} to prod (kubernetes, eu-west, us-east)`);
});

test('aws: the exact cdk and kubectl command lines, load balancer hosts passed to the edge stack (recording executables first on PATH)', async () => {
  resetLog();
  const r = await deploy('aws', { skipImage: true });
  assert.is(r.code, 0, r.err);
  const version = readRecord(APP, 'aws').current!;
  const snap = `.gati/deployments/aws/0001-${version}`;
  assert.equal(logLines(), [
    `cdk deploy --app ${snap}/aws --require-approval never payments-aws-us-east-1 payments-aws-eu-west-1`,
    `kubectl --context eks-us-east-1 apply --server-side --field-manager=gati --force-conflicts -f ${snap}/k8s/cluster.k8s.yaml -f ${snap}/k8s/us-east-1.k8s.yaml`,
    'kubectl --context eks-us-east-1 rollout status deployment -n payments -l app.kubernetes.io/instance=payments-aws --timeout=10m',
    `kubectl --context eks-eu-west-1 apply --server-side --field-manager=gati --force-conflicts -f ${snap}/k8s/cluster.k8s.yaml -f ${snap}/k8s/eu-west-1.k8s.yaml`,
    'kubectl --context eks-eu-west-1 rollout status deployment -n payments -l app.kubernetes.io/instance=payments-aws --timeout=10m',
    'kubectl --context eks-us-east-1 get ingress payments -n payments -o jsonpath={.status.loadBalancer.ingress[0].hostname}',
    'kubectl --context eks-eu-west-1 get ingress payments -n payments -o jsonpath={.status.loadBalancer.ingress[0].hostname}',
    `cdk deploy --app ${snap}/aws --require-approval never payments-aws-edge --parameters=payments-aws-edge:LoadBalancerUsEast1=k8s-eks-us-east-1.elb.example.com --parameters=payments-aws-edge:LoadBalancerEuWest1=k8s-eks-eu-west-1.elb.example.com`,
  ]);
});

test('--dry-run prints the commands and the diff against the last deployment, and runs nothing', async () => {
  writeConfig({ ...baseEnv, prod: { ...baseEnv.prod, replicas: { min: 2, max: 20 } } });
  resetLog();
  const r = await deploy('prod', { dryRun: true });
  assert.is(r.code, 0, r.err);
  assert.equal(logLines(), [], 'nothing ran');
  const version = readRecord(APP, 'prod').current!;
  assert.match(r.out, `gati deploy prod --dry-run: payments on kubernetes (eu-west, us-east), image ghcr.io/acme/payments:${version}`);
  assert.match(r.out, 'Would run:\n  docker build -f dist/Dockerfile');
  assert.match(r.out, `Changes since ${version}:`);
  assert.match(r.out, '  ~ k8s/eu-west.k8s.yaml\n');
  assert.match(r.out, '      -  maxReplicas: 12\n      +  maxReplicas: 20');
  assert.not.match(r.out, '~ k8s/cluster.k8s.yaml', 'unchanged files are not listed');
});

test('--rollback re-applies the previous deployment from its snapshot and records it', async () => {
  const second = await deploy('prod', { skipImage: true });
  assert.is(second.code, 0, second.err);
  resetLog();
  const r = await deploy('prod', { rollback: true });
  assert.is(r.code, 0, r.err);
  const record = readRecord(APP, 'prod');
  assert.is(record.history.length, 3);
  const [first, deployed, rolledBack] = record.history as [any, any, any];
  assert.is(deployed.files, `.gati/deployments/prod/0002-${deployed.version}`);
  assert.is(rolledBack.files, first.files, 'the first deployment is applied again');
  assert.is(rolledBack.rollbackOf, deployed.files);
  assert.equal(rolledBack.hashes, first.hashes);
  assert.ok(logLines().every((l) => l.startsWith('kubectl')), 'no image build on rollback');
  assert.ok(logLines()[0]!.endsWith(`-f ${first.files}/k8s/eu-west.k8s.yaml`), logLines()[0]);
  assert.match(readFileSync(join(APP, first.files, 'k8s', 'eu-west.k8s.yaml'), 'utf8'), 'maxReplicas: 12');
  assert.match(r.out, `rolled back prod to ${first.version}`);
});

test('a missing tool is a clear error saying what to install, and nothing is applied or recorded', async () => {
  resetLog();
  const before = readRecord(APP, 'prod').history.length;
  const r = await deploy('prod', {}, EMPTY_BIN);
  assert.is(r.code, 1);
  assert.match(r.err, 'gati deploy prod: cannot deploy, nothing was applied:');
  assert.match(r.err, 'docker is not on PATH: install Docker');
  assert.match(r.err, 'kubectl is not on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/)');
  assert.is(readRecord(APP, 'prod').history.length, before);
  assert.equal(logLines(), []);
});

test('a step that fails records nothing and leaves no snapshot folder', async () => {
  resetLog();
  const kubectl = join(BIN, 'kubectl');
  const recorder = readFileSync(kubectl, 'utf8');
  writeFileSync(kubectl, '#!/bin/sh\necho "kubectl: connection refused" >&2\nexit 1\n');
  const before = readRecord(APP, 'prod').history;
  const folders = () => (existsSync(join(APP, '.gati/deployments/prod')) ? readdirSync(join(APP, '.gati/deployments/prod')).sort() : []);
  const foldersBefore = folders();
  try {
    const r = await deploy('prod', { skipImage: true });
    assert.is(r.code, 1);
    assert.match(r.err, 'the deployment was not recorded');
    assert.equal(readRecord(APP, 'prod').history, before);
    assert.equal(folders(), foldersBefore, 'no snapshot folder for the failed deployment');
  } finally {
    writeFileSync(kubectl, recorder);
  }
});

test('an unknown environment and a rollback without history are clear errors', async () => {
  const unknown = await deploy('qa', { dryRun: true });
  assert.is(unknown.code, 1);
  assert.match(unknown.err, "no deploy environment 'qa' in the config (known: prod, aws, staging)");
  const none = await deploy('aws', { rollback: true });
  assert.is(none.code, 1);
  assert.match(none.err, 'nothing to roll back to');
});

test('the CLI end to end: gati deploy <env> <dir> --dry-run --format json', () => {
  const run = spawnSync(process.execPath, [join(REPO, 'bin', 'gati.mjs'), 'deploy', 'staging', APP, '--dry-run', '--format', 'json'], { encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal([out.env, out.provider, out.version, out.previous, out.steps], ['staging', 'custom', 'staging', 'staging', ['./deploy/deploy.sh', './deploy/cdn.mjs']]);
});

test('a dry run after an API change records no version and puts no SDK of it in sdk/', async () => {
  const capture = join(APP, 'src/handlers/payments/capture.ts');
  const original = readFileSync(capture, 'utf8');
  const sdk = () => readdirSync(join(APP, 'sdk')).filter((n) => n.endsWith('.tgz')).sort();
  const versions = readdirSync(join(APP, '.gati/versions')).filter((n) => n.endsWith('.json'));
  const before = sdk();
  writeFileSync(capture, original.replace('note?: string;', 'note?: string;\n  reference?: string;'));
  try {
    const r = await deploy('staging', { dryRun: true });
    assert.is(r.code, 0, r.err);
    assert.equal(readdirSync(join(APP, '.gati/versions')).filter((n) => n.endsWith('.json')), versions, 'no version recorded');
    assert.equal(sdk(), before, 'sdk/ holds recorded versions only');
    assert.ok(readdirSync(join(APP, '.gati/cache/sdk')).some((n) => n.endsWith('.tgz')), 'the tentative SDK is in .gati/cache/sdk');
  } finally {
    writeFileSync(capture, original);
  }
});

test('a deploy after an API change releases a new version and ships it in dist/versions.json, as gati build does (issue 22 item 4)', async () => {
  const versions = () => (JSON.parse(readFileSync(join(APP, 'dist/versions.json'), 'utf8')) as { versions: { semver: string }[] }).versions.map((v) => v.semver);
  const before = versions();
  writeFileSync(join(APP, 'src/handlers/ping.ts'), "import type { Handler } from 'gati';\n\nexport const handler: Handler<{}, { pong: true }> = async () => ({ pong: true });\n");
  const r = await deploy('staging');
  assert.is(r.code, 0, r.err);
  const after = versions();
  assert.is(after.length, before.length + 1, `dist/versions.json after the deploy: ${after.join(', ')}`);
  assert.equal(after.slice(0, before.length), before);
  // The bundle the image copies serves the new route's version too: it was bundled after the record.
  const bundle = readdirSync(join(APP, 'dist')).filter((f) => f.endsWith('.mjs')).map((f) => readFileSync(join(APP, 'dist', f), 'utf8')).join('\n');
  assert.match(bundle, `"${after.at(-1)!}"`);
});

test.run();
