// The AWS edge of fixtures/payments-infra: the templates hold the resources failover depends on, the
// synthesis is offline (no credentials, no network, no context lookups), passes aws-cdk-lib's own
// CloudFormation validation once (strict), and aws-cdk-lib/cdk8s load only when an environment needs them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildResult } from '../driver/build.js';
import { loadConfig } from '../compiler/config/load-config.js';
import { discoverApp } from '../compiler/discover/discover.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { emitAws, FAILOVER } from '../emitters/infra-aws/index.js';
import { planEnv } from '../emitters/infra/plan.js';
import { REPO, fixture } from './helpers/paths.js';
import { builtInfraApp } from './helpers/infra-app.js';

let ROOT = '';
let build: BuildResult;
const template = (file: string) => {
  const a = build.artifacts.find((x) => x.path === `infra/aws/aws/${file}`);
  assert.ok(a, file);
  return JSON.parse(String(a!.contents)) as { Resources: Record<string, { Type: string; Properties: any }>; Parameters: Record<string, unknown>; Outputs: Record<string, unknown> };
};
const ofType = (t: ReturnType<typeof template>, type: string) => Object.values(t.Resources).filter((r) => r.Type === type);

test.before(async () => {
  ({ root: ROOT, build } = await builtInfraApp());
});

test('the edge stack: ACM certificate, CloudFront, health checks and PRIMARY/SECONDARY failover records', () => {
  const t = template('payments-aws-edge.template.json');
  assert.is(ofType(t, 'AWS::CertificateManager::Certificate')[0]!.Properties.DomainName, 'pay.example.com');
  const dist = ofType(t, 'AWS::CloudFront::Distribution')[0]!.Properties.DistributionConfig;
  assert.equal(dist.Aliases, ['pay.example.com']);
  assert.is(dist.Origins[0].DomainName, 'origin.pay.example.com');
  assert.is(dist.Origins[0].CustomOriginConfig.OriginProtocolPolicy, 'https-only');
  assert.is(dist.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
  assert.is(dist.DefaultCacheBehavior.AllowedMethods.length, 7, 'writes go through CloudFront too');
  const checks = ofType(t, 'AWS::Route53::HealthCheck').map((r) => r.Properties.HealthCheckConfig);
  assert.equal(checks.map((c) => [c.FullyQualifiedDomainName, c.ResourcePath, c.RequestInterval, c.FailureThreshold]), [
    ['us-east-1.pay.example.com', '/_ready', 10, 2],
    ['eu-west-1.pay.example.com', '/_ready', 10, 2],
  ]);
  const failover = ofType(t, 'AWS::Route53::RecordSet').filter((r) => r.Properties.Failover);
  assert.equal(failover.map((r) => [r.Properties.Name, r.Properties.Failover, r.Properties.ResourceRecords[0], r.Properties.TTL]), [
    ['origin.pay.example.com.', 'PRIMARY', 'us-east-1.pay.example.com', '10'],
    ['origin.pay.example.com.', 'SECONDARY', 'eu-west-1.pay.example.com', '10'],
  ]);
  // Detection (interval × threshold) plus the record's TTL stays within 30 s.
  assert.ok(FAILOVER.requestInterval * FAILOVER.failureThreshold + FAILOVER.ttl <= 30);
  assert.ok(t.Parameters.LoadBalancerUsEast1 && t.Parameters.LoadBalancerEuWest1);
  assert.equal(ofType(t, 'AWS::Route53::RecordSet').filter((r) => r.Properties.AliasTarget).map((r) => r.Properties.Type), ['A', 'AAAA']);
});

test('a regional stack per region: the certificate the ALB ingress controller discovers by host', () => {
  for (const region of ['us-east-1', 'eu-west-1']) {
    const t = template(`payments-aws-${region}.template.json`);
    const cert = ofType(t, 'AWS::CertificateManager::Certificate')[0]!.Properties;
    assert.is(cert.DomainName, `${region}.pay.example.com`);
    assert.equal(cert.SubjectAlternativeNames, ['origin.pay.example.com', 'pay.example.com']);
    assert.is(cert.DomainValidationOptions[0].HostedZoneId, 'Z0123456789ABCDEFGHIJ');
  }
  const manifest = JSON.parse(String(build.artifacts.find((a) => a.path === 'infra/aws/aws/manifest.json')!.contents));
  assert.is(manifest.artifacts['payments-aws-eu-west-1'].environment, 'aws://unknown-account/eu-west-1');
  assert.is(manifest.missing, undefined, 'no context lookup was needed');
});

test('synthesis with the built-in CloudFormation validation on (strict): no findings', async () => {
  const bag = new DiagnosticBag();
  const { config } = await loadConfig(ROOT, discoverApp(ROOT).configFiles, bag);
  const plan = planEnv(build.model, config, 'aws', 'test');
  const validated = emitAws(plan, { validate: true });
  const off = emitAws(plan, { validate: false });
  const templates = (xs: typeof off) => xs.filter((a) => a.path.endsWith('.template.json')).map((a) => String(a.contents));
  assert.equal(templates(validated), templates(off), 'validation does not change the templates');
});

test('lazy loading: no deploy section loads neither cdk8s nor aws-cdk-lib; a kubernetes-only one loads cdk8s only', () => {
  const probe = (app: string) => {
    const script = `
      import { buildApp } from ${JSON.stringify(`${REPO}lib/driver/build.js`)};
      import { createRequire } from 'node:module';
      const r = await buildApp(${JSON.stringify(app)});
      const keys = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ ok: r.ok, cdk8s: keys.some((k) => k.includes('/node_modules/cdk8s/')), aws: keys.some((k) => k.includes('/aws-cdk-lib/')) }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.is(run.status, 0, run.stderr);
    return JSON.parse(run.stdout.trim().split('\n').pop()!);
  };
  assert.equal(probe(fixture('payments')), { ok: true, cdk8s: false, aws: false });
  const app = mkdtempSync(join(tmpdir(), 'gati-lazy-'));
  try {
    cpSync(join(ROOT, 'src'), join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"name":"lazy","private":true,"type":"module"}');
    writeFileSync(join(app, 'gati.config.json'), JSON.stringify({ effects: { backend: 'redis' }, deploy: { prod: { provider: 'kubernetes', secrets: { REDIS_URL: { secret: 'redis', key: 'url' } } } } }));
    assert.equal(probe(app), { ok: true, cdk8s: true, aws: false });
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});

test.run();
