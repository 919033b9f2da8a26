// Certificates of multi-region environments (issue 22 items 1 and 2). An HTTP-01 check (cert-manager)
// and a GKE ManagedCertificate are answered by the ingress a name resolves to, so every such order
// must hold only names that resolve to the ingress of the region that places it. The DNS of a
// generated environment: `<region>.<domain>` → that region's ingress; the shared domain → the edge
// that owns it (CloudFront on aws, Front Door on azure), else the primary (first) region's ingress.
// Before, every region ordered the domain and its own host together (the second region's order, and
// with it its own host's certificate, failed), and behind Front Door no origin got a certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp, type BuildResult } from '../driver/build.js';
import { emitInfra } from '../emitters/infra/index.js';
import { validateConfig } from '../compiler/config/validate-config.js';
import { DiagnosticBag } from '../compiler/diagnostics/diagnostic.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import type { Artifact } from '../emitters/artifact.js';
import type { DeployEnvConfig } from '../runtime-shim/config.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraApp } from './helpers/infra-app.js';
import { REPO } from './helpers/paths.js';
import { parseK8sYaml, validateK8s, type K8sObject } from './helpers/k8s-validate.js';

const app = infraApp();
test.after(() => app.remove());
let build: BuildResult;
const DOMAIN = 'pay.example.com';

test.before(async () => {
  build = await buildApp(app.root);
  assert.equal(build.diagnostics, []);
});

/** The environment's files, from the build (its own envs) or emitted for a variant config. */
function filesOf(env: string, variant?: DeployEnvConfig): Artifact[] {
  if (!variant) return build.artifacts;
  const config = { ...build.config, deploy: { [env]: variant } };
  return emitInfra(build.model, config, build.artifacts.filter((a) => !a.path.startsWith('infra/')));
}
const yaml = (files: Artifact[], path: string): K8sObject[] => parseK8sYaml(String(files.find((a) => a.path === path)!.contents));
const json = (files: Artifact[], path: string): any => JSON.parse(String(files.find((a) => a.path === path)!.contents));

/** Where a name resolves in a generated environment (see the header). */
function resolves(d: DeployEnvConfig, host: string): string {
  const regions = d.regions ?? ['default'];
  const region = regions.find((r) => host === `${r}.${DOMAIN}`);
  if (region) return `ingress ${region}`;
  if (host === DOMAIN) return d.provider === 'aws' ? 'cloudfront' : d.provider === 'azure' ? 'front door' : `ingress ${regions[0]}`;
  if (host === `origin.${DOMAIN}`) return `ingress ${regions[0]}`; // the Route 53 failover record, while the primary is healthy
  return 'nowhere';
}

interface Order { region: string; by: string; hosts: string[]; check: 'http' | 'dns' }

/** Every certificate order the clusters of an environment place, with how its names are checked. */
function clusterOrders(env: string, d: DeployEnvConfig, files: Artifact[]): Order[] {
  const issuer = yaml(files, `infra/${env}/k8s/cluster.k8s.yaml`).find((o) => o.kind === 'ClusterIssuer');
  const orders: Order[] = [];
  for (const region of d.regions ?? ['default']) {
    const objs = yaml(files, `infra/${env}/k8s/${region}.k8s.yaml`);
    for (const o of objs) validateK8s(o);
    if (issuer) {
      const ingress = objs.find((o) => o.kind === 'Ingress')!;
      assert.is(ingress.metadata.annotations!['cert-manager.io/cluster-issuer'], issuer.metadata.name);
      const check = issuer.spec.acme.solvers[0].dns01 ? 'dns' : 'http';
      for (const tls of ingress.spec.tls ?? []) orders.push({ region, by: `cert-manager ${tls.secretName}`, hosts: tls.hosts, check });
    }
    for (const cert of objs.filter((o) => o.kind === 'ManagedCertificate')) orders.push({ region, by: `ManagedCertificate ${cert.metadata.name}`, hosts: cert.spec.domains, check: 'http' });
  }
  return orders;
}

function assertOrdersResolve(env: string, d: DeployEnvConfig, orders: Order[]): void {
  for (const o of orders.filter((x) => x.check === 'http')) {
    for (const host of o.hosts) assert.is(resolves(d, host), `ingress ${o.region}`, `${env}: ${o.by} in ${o.region} orders ${host}, which resolves to ${resolves(d, host)}`);
  }
}

/** Every region's own host has a certificate in that region, and the domain has one somewhere. */
function assertEveryHostCertified(env: string, d: DeployEnvConfig, orders: Order[], domainAtEdge = false): void {
  for (const region of d.regions ?? ['default']) {
    assert.ok(orders.some((o) => o.region === region && o.hosts.includes(`${region}.${DOMAIN}`)), `${env}: ${region}.${DOMAIN} is certified in ${region}`);
  }
  if (!domainAtEdge) assert.ok(orders.some((o) => o.hosts.includes(DOMAIN)), `${env}: ${DOMAIN} is certified`);
}

test('kubernetes, HTTP-01: each region orders its own host; the domain is ordered by the primary only, in an order of its own', () => {
  const d = build.config.deploy!.prod!;
  const orders = clusterOrders('prod', d, build.artifacts);
  assertOrdersResolve('prod', d, orders);
  assertEveryHostCertified('prod', d, orders);
  assert.equal(orders.map((o) => [o.region, o.by, o.hosts]), [
    ['eu-west', 'cert-manager payments-tls', ['eu-west.pay.example.com']],
    ['eu-west', 'cert-manager payments-shared-tls', ['pay.example.com']],
    ['us-east', 'cert-manager payments-tls', ['us-east.pay.example.com']],
  ]);
  // The secondary still routes the domain, for when its DNS is moved there.
  const ingress = yaml(build.artifacts, 'infra/prod/k8s/us-east.k8s.yaml').find((o) => o.kind === 'Ingress')!;
  assert.equal(ingress.spec.rules.map((r: any) => r.host), ['pay.example.com', 'us-east.pay.example.com']);
});

test('kubernetes, one region: its own host and the domain, each in its own order', () => {
  const d: DeployEnvConfig = { provider: 'kubernetes', regions: ['eu-west'], domain: DOMAIN };
  const orders = clusterOrders('solo', d, filesOf('solo', d));
  assertOrdersResolve('solo', d, orders);
  assertEveryHostCertified('solo', d, orders);
  assert.is(orders.length, 2);
});

test('kubernetes with tls.dns01: the issuer uses the DNS-01 solver as given, and every region orders the domain too', () => {
  const dns01 = { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-token', key: 'token' } } };
  const d: DeployEnvConfig = { provider: 'kubernetes', regions: ['eu-west', 'us-east'], domain: DOMAIN, kubeContext: 'prod-{region}', tls: { dns01 } };
  const files = filesOf('dns', d);
  const issuer = yaml(files, 'infra/dns/k8s/cluster.k8s.yaml').find((o) => o.kind === 'ClusterIssuer')!;
  validateK8s(issuer);
  assert.equal(issuer.spec.acme.solvers, [{ dns01 }]);
  const orders = clusterOrders('dns', d, files);
  assert.ok(orders.every((o) => o.check === 'dns'));
  for (const region of ['eu-west', 'us-east']) assert.ok(orders.some((o) => o.region === region && o.hosts.includes(DOMAIN)), region);
  assertEveryHostCertified('dns', d, orders);
});

test('gcp: a ManagedCertificate per region for its own host, the domain only in the primary; the Ingress names them', () => {
  const d = build.config.deploy!.gcp!;
  const orders = clusterOrders('gcp', d, build.artifacts);
  assertOrdersResolve('gcp', d, orders);
  assertEveryHostCertified('gcp', d, orders);
  for (const region of d.regions!) {
    const objs = yaml(build.artifacts, `infra/gcp/k8s/${region}.k8s.yaml`);
    const names = objs.filter((o) => o.kind === 'ManagedCertificate').map((o) => o.metadata.name);
    assert.is(objs.find((o) => o.kind === 'Ingress')!.metadata.annotations!['networking.gke.io/managed-certificates'], names.join(','));
  }
});

test('azure: each AKS region orders only its own host; Front Door owns the domain with its managed certificate and reaches each origin by the host its certificate names', () => {
  const d = build.config.deploy!.azure!;
  const orders = clusterOrders('azure', d, build.artifacts);
  assert.ok(orders.length > 0 && orders.every((o) => o.check === 'http'));
  assertOrdersResolve('azure', d, orders);
  assertEveryHostCertified('azure', d, orders, true);
  assert.not.ok(orders.some((o) => o.hosts.includes(DOMAIN)), 'no cluster orders the domain Front Door serves');
  const t = json(build.artifacts, 'infra/azure/azure/frontdoor.template.json');
  const custom = t.resources.find((r: any) => r.type === 'Microsoft.Cdn/profiles/customDomains');
  assert.equal([custom.properties.hostName, custom.properties.tlsSettings.certificateType], [DOMAIN, 'ManagedCertificate']);
  assert.is(resolves(d, custom.properties.hostName), 'front door');
  for (const region of d.regions!) {
    const origin = t.resources.find((r: any) => r.type === 'Microsoft.Cdn/profiles/originGroups/origins' && r.name.endsWith(`/${region}`));
    const param = /parameters\('(\w+)'\)/.exec(origin.properties.hostName)![1]!;
    const host = t.parameters[param].defaultValue;
    assert.is(origin.properties.originHostHeader, origin.properties.hostName, 'the Host header is the name Front Door checks the certificate against');
    assert.is(origin.properties.enforceCertificateNameCheck, true);
    assert.is(resolves(d, host), `ingress ${region}`);
    assert.ok(orders.some((o) => o.region === region && o.hosts.includes(host)), `${region}'s ingress has a certificate for ${host}`);
    const ingress = yaml(build.artifacts, `infra/azure/k8s/${region}.k8s.yaml`).find((o) => o.kind === 'Ingress')!;
    assert.equal(ingress.spec.rules.map((r: any) => r.host), [host], 'the ingress answers the Host Front Door sends');
  }
});

test('aws: no cluster order; every ACM certificate is validated by DNS records in the hosted zone', () => {
  const d = build.config.deploy!.aws!;
  assert.equal(clusterOrders('aws', d, build.artifacts), []);
  const certs = build.artifacts
    .filter((a) => a.path.startsWith('infra/aws/aws/') && a.path.endsWith('.template.json'))
    .flatMap((a) => Object.values(JSON.parse(String(a.contents)).Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CertificateManager::Certificate'));
  assert.is(certs.length, 3, 'one per region and CloudFront’s');
  for (const c of certs) {
    assert.is(c.Properties.ValidationMethod, 'DNS');
    const names = [c.Properties.DomainName, ...(c.Properties.SubjectAlternativeNames ?? [])];
    assert.equal(c.Properties.DomainValidationOptions.map((o: any) => o.DomainName).sort(), [...new Set(names)].sort());
    for (const o of c.Properties.DomainValidationOptions) assert.is(o.HostedZoneId, 'Z0123456789ABCDEFGHIJ');
  }
});

test('tls.dns01 outside kubernetes and custom is GATI4011', () => {
  const config = { name: 'payments', deploy: { gcp: { provider: 'gcp', domain: DOMAIN, tls: { dns01: { route53: { region: 'us-east-1' } } } } } };
  const bag = new DiagnosticBag();
  validateConfig(config, 'gati.config.json', JSON.stringify(config, null, 2), bag);
  assert.equal(bag.items.map(formatCompact).map((l) => l.replace(/^[^ ]+ /, '')), ["- error GATI4011: deploy environment 'gcp' (provider 'gcp'): 'tls.dns01' applies only to providers 'kubernetes' and 'custom': the edge of aws, gcp and azure certifies the domain itself"]);
});

test("the README's multi-region example: a valid config whose certificate orders all resolve", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deployment'));
  const block = /```ts\n(deploy: \{[\s\S]*?\n\},?)\n```/.exec(section)?.[1];
  assert.ok(block, 'the Deployment section opens with a `deploy: { … }` example');
  // The example is an object literal with comments: plain JavaScript.
  const example = new Function(`return { ${block} };`)() as { deploy: Record<string, DeployEnvConfig> };
  const config = { name: 'payments', effects: { backend: 'redis' }, ...example };
  const bag = new DiagnosticBag();
  validateConfig(config, 'gati.config.json', JSON.stringify(config, null, 2), bag);
  assert.equal(bag.items.map(formatCompact), []);
  for (const [env, d] of Object.entries(example.deploy)) {
    assert.ok((d.regions?.length ?? 1) > 1 && d.domain, 'the example has several regions and a domain');
    const orders = clusterOrders(env, d, filesOf(env, { ...d, domain: DOMAIN }));
    assertOrdersResolve(env, d, orders);
    assertEveryHostCertified(env, d, orders);
  }
});

test.run();
