// Effects on the clouds' own queues, in a real build of fixtures/payments-infra where each cloud
// environment selects its provider's backend (`deploy.<env>.effects`: sqs on aws, pubsub on gcp,
// azure-queue on azure; Redis stays the local backend): the queue, its dead-letter queue and the
// record table are created, and only the app's pods get at them, through the cloud's workload identity
// bound to their ServiceAccount. Templates and objects pass the same validation as the rest of infra/
// (aws-cdk-lib's strict CloudFormation check in test/infra-aws.test.ts, kubernetes-models here).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { deploySteps, formatStep } from '../bin/deploy/steps.js';
import type { DeployManifest } from '../emitters/infra/index.js';
import { SQS_ACTIONS, DYNAMODB_ACTIONS } from '../emitters/infra-aws/sqs-queue.js';
import { AZURE_ROLES } from '../emitters/infra-azure/effects.js';
import { MAX_DELIVERIES, storageAccountName } from '../emitters/infra/cloud-queue.js';
import { REPO } from './helpers/paths.js';
import { GATI_BIN } from './helpers/server.js';
import { artifactReader, builtInfraApp, infraApp } from './helpers/infra-app.js';
import { parseK8sYaml, validateK8s, type K8sObject } from './helpers/k8s-validate.js';

const app = infraApp();
test.after(() => app.remove());
let build: BuildResult;
const { text, objects } = artifactReader(() => build.artifacts);
const one = (objs: K8sObject[], kind: string, name?: string) => {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.is(found.length, 1, `one ${kind} ${name ?? ''} (found ${found.length})`);
  return found[0]! as any;
};
type Template = { Resources: Record<string, { Type: string; Properties: any }>; Outputs: Record<string, any> };
const template = (path: string) => JSON.parse(text(path)) as Template;
const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** The pods of the Gati server (api components and the worker): everything but the module's. */
const serverDeployments = (objs: K8sObject[]) => objs.filter((o) => o.kind === 'Deployment' && !o.metadata.name.includes('module'));

test.before(async () => {
  // The shared build of an identical app: `app` is this file's own folder, for the CLI build below.
  ({ build } = await builtInfraApp());
});

test('the build is clean; every object of the cloud environments validates (Config Connector included)', () => {
  assert.equal(build.diagnostics.map(formatCompact), []);
  for (const env of ['aws', 'gcp', 'azure']) {
    for (const a of build.artifacts.filter((x) => x.path.startsWith(`infra/${env}/k8s/`))) for (const o of parseK8sYaml(String(a.contents))) validateK8s(o);
  }
});

test('aws: per region the queue, its dead-letter queue by redrive, the record table, all kept on stack deletion', () => {
  for (const region of ['us-east-1', 'eu-west-1']) {
    const t = template(`infra/aws/aws/payments-aws-${region}.template.json`);
    const queues = ofType(t, 'AWS::SQS::Queue');
    assert.equal(queues.map(([, q]) => q.Properties.QueueName).sort(), ['payments-effects', 'payments-effects-dead']);
    const [deadId] = queues.find(([, q]) => q.Properties.QueueName === 'payments-effects-dead')!;
    const main = queues.find(([, q]) => q.Properties.QueueName === 'payments-effects')![1];
    assert.equal(main.Properties.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [deadId, 'Arn'] }, maxReceiveCount: MAX_DELIVERIES });
    assert.is(main.Properties.MessageRetentionPeriod, 14 * 86_400, "SQS's longest retention: the backend re-sends a message before it ages out");
    const [, table] = ofType(t, 'AWS::DynamoDB::Table')[0]!;
    assert.is(table.Properties.TableName, 'payments-jobs');
    assert.equal(table.Properties.KeySchema, [{ AttributeName: 'id', KeyType: 'HASH' }], 'the key the backend writes');
    for (const [, r] of [...queues, ...ofType(t, 'AWS::DynamoDB::Table')]) assert.is((r as any).DeletionPolicy, 'Retain');
  }
});

test("aws: the role trusts only the app's ServiceAccount on that region's EKS cluster, and may touch only that queue and table", () => {
  for (const region of ['us-east-1', 'eu-west-1']) {
    const t = template(`infra/aws/aws/payments-aws-${region}.template.json`);
    const [, role] = ofType(t, 'AWS::IAM::Role')[0]!;
    assert.is(role.Properties.RoleName, `payments-aws-${region}-effects`);
    const [trust] = role.Properties.AssumeRolePolicyDocument.Statement;
    assert.is(role.Properties.AssumeRolePolicyDocument.Statement.length, 1);
    assert.is(trust.Action, 'sts:AssumeRoleWithWebIdentity');
    const issuer = (build.config.deploy!.aws!.aws!.oidcIssuers as Record<string, string>)[region]!;
    assert.equal(trust.Principal, { Federated: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::123456789012:oidc-provider/${issuer}` } });
    assert.equal(trust.Condition, { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:payments:payments-effects', [`${issuer}:aud`]: 'sts.amazonaws.com' } });

    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    assert.equal(statements, [
      { Sid: 'Queue', Effect: 'Allow', Action: SQS_ACTIONS, Resource: { 'Fn::GetAtt': ['EffectsQueue', 'Arn'] } },
      { Sid: 'Records', Effect: 'Allow', Action: DYNAMODB_ACTIONS, Resource: { 'Fn::GetAtt': ['EffectsTable', 'Arn'] } },
    ]);
    assert.ok(t.Resources.EffectsQueue && t.Resources.EffectsQueue.Properties.QueueName === 'payments-effects', 'the Queue statement names the main queue, not the dead-letter one');
    for (const s of statements) for (const a of s.Action) assert.not.match(a, '*', 'no wildcard action');
    assert.ok(t.Outputs.EffectsRoleArn && t.Outputs.EffectsQueueUrl);
  }
});

test('aws: the role allows exactly the calls the SQS backend makes (read from its source), minus creating what the stack creates', () => {
  // The backend's two adapters: the SQS queue and the DynamoDB records.
  const source = ['sqs-queue.ts', 'dynamodb-records.ts'].map((f) => readFileSync(join(REPO, 'runtime-shim/effects', f), 'utf8')).join('\n');
  const called = new Set<string>();
  for (const m of source.matchAll(/new (?:this\.)?(sqs|dynamo)\.(\w+)Command\b/g)) {
    const service = m[1] === 'sqs' ? 'sqs' : 'dynamodb';
    // SQS batch calls need the single call's permission; DynamoDB's BatchWriteItem is its own action.
    const name = service === 'sqs' ? m[2]!.replace(/Batch$/, '') : m[2]!;
    if (!name.startsWith('Create')) called.add(`${service}:${name}`);
  }
  assert.equal([...SQS_ACTIONS, ...DYNAMODB_ACTIONS].sort(), [...called].sort());
});

test('aws: the api and worker pods run as the ServiceAccount annotated with that role, in their region', () => {
  for (const region of ['us-east-1', 'eu-west-1']) {
    const objs = objects(`infra/aws/k8s/${region}.k8s.yaml`);
    const sa = one(objs, 'ServiceAccount', 'payments-effects');
    assert.is(sa.metadata.annotations['eks.amazonaws.com/role-arn'], `arn:aws:iam::123456789012:role/payments-aws-${region}-effects`);
    assert.is(sa.automountServiceAccountToken, false);
    const servers = serverDeployments(objs);
    assert.ok(servers.some((d) => d.metadata.name === 'payments-worker'));
    for (const d of servers) assert.is((d as any).spec.template.spec.serviceAccountName, 'payments-effects', d.metadata.name);
    const module = objs.find((o) => o.kind === 'Deployment' && o.metadata.name.includes('module'))!;
    assert.is((module as any).spec.template.spec.serviceAccountName, undefined, 'the container module gets no access');
    assert.is(one(objs, 'ConfigMap').data.AWS_REGION, region);
    // No credential anywhere in the chart.
    assert.not.match(text(`infra/aws/k8s/${region}.k8s.yaml`), /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/);
  }
});

test('gcp: topic, subscription with a dead-letter topic, a subscription keeping the dead letters, once, in the primary region', () => {
  const primary = objects('infra/gcp/k8s/europe-west1.k8s.yaml');
  const secondary = objects('infra/gcp/k8s/us-central1.k8s.yaml');
  assert.equal(secondary.filter((o) => o.apiVersion.includes('cnrm')), [], 'topics are global: one set');
  const topics = primary.filter((o) => o.kind === 'PubSubTopic').map((o) => o.metadata.name).sort();
  assert.equal(topics, ['payments-effects', 'payments-effects-dead']);
  const sub = one(primary, 'PubSubSubscription', 'payments-effects');
  assert.equal(sub.spec.topicRef, { name: 'payments-effects' });
  assert.equal(sub.spec.deadLetterPolicy, { deadLetterTopicRef: { name: 'payments-effects-dead' }, maxDeliveryAttempts: MAX_DELIVERIES });
  assert.equal(sub.spec.expirationPolicy, { ttl: '' }, 'never expires for lack of traffic');
  assert.equal(one(primary, 'PubSubSubscription', 'payments-effects-dead').spec.topicRef, { name: 'payments-effects-dead' });
  for (const o of primary.filter((x) => x.apiVersion.includes('cnrm'))) assert.is(o.metadata.annotations?.['cnrm.cloud.google.com/project-id'], 'acme-payments', `${o.kind} ${o.metadata.name}`);
});

test("gcp: Workload Identity binds the Google service account to the app's ServiceAccount; its roles are on the topic and subscription only", () => {
  const primary = objects('infra/gcp/k8s/europe-west1.k8s.yaml');
  const gsa = one(primary, 'IAMServiceAccount');
  const email = `${gsa.metadata.name}@acme-payments.iam.gserviceaccount.com`;
  for (const region of ['europe-west1', 'us-central1']) {
    const objs = objects(`infra/gcp/k8s/${region}.k8s.yaml`);
    assert.is(one(objs, 'ServiceAccount', 'payments-effects').metadata.annotations['iam.gke.io/gcp-service-account'], email);
    for (const d of serverDeployments(objs)) assert.is((d as any).spec.template.spec.serviceAccountName, 'payments-effects');
    assert.is(one(objs, 'ConfigMap').data.GOOGLE_CLOUD_PROJECT, 'acme-payments');
  }
  const members = primary.filter((o) => o.kind === 'IAMPolicyMember').map((o: any) => [o.spec.member ?? `agent:${o.spec.memberFrom.serviceIdentityRef.name}`, o.spec.role, `${o.spec.resourceRef.kind}/${o.spec.resourceRef.name ?? o.spec.resourceRef.external}`]);
  assert.equal(members, [
    [`serviceAccount:${email}`, 'roles/pubsub.publisher', 'PubSubTopic/payments-effects'],
    [`serviceAccount:${email}`, 'roles/pubsub.viewer', 'PubSubTopic/payments-effects'],
    [`serviceAccount:${email}`, 'roles/pubsub.subscriber', 'PubSubSubscription/payments-effects'],
    [`serviceAccount:${email}`, 'roles/pubsub.viewer', 'PubSubSubscription/payments-effects'],
    ['serviceAccount:acme-payments.svc.id.goog[payments/payments-effects]', 'roles/iam.workloadIdentityUser', `IAMServiceAccount/${gsa.metadata.name}`],
    // Pub/Sub's own agent moves undeliverable messages to the dead-letter topic.
    ['agent:pubsub.googleapis.com', 'roles/pubsub.publisher', 'PubSubTopic/payments-effects-dead'],
    ['agent:pubsub.googleapis.com', 'roles/pubsub.subscriber', 'PubSubSubscription/payments-effects'],
    // The job records (Firestore): a project-level role, narrowed by its condition below.
    [`serviceAccount:${email}`, 'roles/datastore.user', 'Project/projects/acme-payments'],
  ]);
  one(primary, 'ServiceIdentity', 'pubsub.googleapis.com');
});

test('gcp: the job records have a Firestore database (native, the primary region, never deleted with the app) and the app may use that database only', () => {
  const primary = objects('infra/gcp/k8s/europe-west1.k8s.yaml');
  assert.equal(objects('infra/gcp/k8s/us-central1.k8s.yaml').filter((o) => o.kind === 'FirestoreDatabase'), [], 'one database, in the primary region');
  const db = one(primary, 'FirestoreDatabase') as any;
  // The database the runtime's Firestore client opens (runtime-shim/effects/firestore-records.ts: new Firestore()).
  assert.equal(db.spec, { projectRef: { external: 'projects/acme-payments' }, resourceID: '(default)', locationID: 'europe-west1' });
  assert.is(db.metadata.annotations['cnrm.cloud.google.com/deletion-policy'], 'abandon', 'the project database may serve other software');
  assert.is(db.metadata.annotations['cnrm.cloud.google.com/project-id'], 'acme-payments');
  const grant = primary.find((o: any) => o.kind === 'IAMPolicyMember' && o.spec.role === 'roles/datastore.user') as any;
  assert.is(grant.spec.condition.expression, 'resource.name == "projects/acme-payments/databases/(default)"');
  // The pods are told the project the client needs (no key file: Workload Identity).
  for (const region of ['europe-west1', 'us-central1']) assert.is(one(objects(`infra/gcp/k8s/${region}.k8s.yaml`), 'ConfigMap').data.GOOGLE_CLOUD_PROJECT, 'acme-payments');
});

test('azure: the storage account (no shared keys), both queues and the table; data roles scoped to each, for the identity', () => {
  const t = JSON.parse(text('infra/azure/azure/effects.template.json')) as { resources: any[] };
  const account = storageAccountName('payments', 'azure', 'payments-prod');
  const byType = (type: string) => t.resources.filter((r) => r.type === type);
  const storage = byType('Microsoft.Storage/storageAccounts')[0]!;
  assert.is(storage.name, account);
  assert.is(storage.properties.allowSharedKeyAccess, false);
  assert.equal(byType('Microsoft.Storage/storageAccounts/queueServices/queues').map((q) => q.name), [`${account}/default/payments-effects`, `${account}/default/payments-effects-dead`]);
  assert.equal(byType('Microsoft.Storage/storageAccounts/tableServices/tables').map((q) => q.name), [`${account}/default/paymentsjobs`]);
  const roles = byType('Microsoft.Authorization/roleAssignments').map((r) => [r.scope, r.properties.roleDefinitionId.match(/'([0-9a-f-]{36})'/)[1], r.properties.principalId]);
  const principal = "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'payments-azure-effects'), '2023-01-31').principalId]";
  assert.equal(roles, [
    [`Microsoft.Storage/storageAccounts/${account}/queueServices/default/queues/payments-effects`, AZURE_ROLES.queueDataContributor, principal],
    [`Microsoft.Storage/storageAccounts/${account}/queueServices/default/queues/payments-effects-dead`, AZURE_ROLES.queueDataContributor, principal],
    [`Microsoft.Storage/storageAccounts/${account}/tableServices/default/tables/paymentsjobs`, AZURE_ROLES.tableDataContributor, principal],
  ]);
});

test("azure: a federated credential per AKS cluster for the app's ServiceAccount; the pods carry the identity and the account name", () => {
  const t = JSON.parse(text('infra/azure/azure/effects.template.json')) as { resources: any[] };
  const issuers = build.config.deploy!.azure!.azure!.oidcIssuers as Record<string, string>;
  const credentials = t.resources.filter((r) => r.type.endsWith('/federatedIdentityCredentials'));
  assert.equal(credentials.map((c) => [c.name, c.properties.issuer, c.properties.subject, c.properties.audiences]), [
    ['payments-azure-effects/payments-azure-westeurope', issuers.westeurope, 'system:serviceaccount:payments:payments-effects', ['api://AzureADTokenExchange']],
    ['payments-azure-effects/payments-azure-eastus', issuers.eastus, 'system:serviceaccount:payments:payments-effects', ['api://AzureADTokenExchange']],
  ]);
  assert.is(credentials[1].dependsOn.length, 1, 'written one after the other');
  for (const region of ['westeurope', 'eastus']) {
    const objs = objects(`infra/azure/k8s/${region}.k8s.yaml`);
    assert.is(one(objs, 'ServiceAccount', 'payments-effects').metadata.annotations['azure.workload.identity/client-id'], '0b9d1c5e-7f3a-4e2b-9c8d-1a2b3c4d5e6f');
    for (const d of serverDeployments(objs)) {
      assert.is((d as any).spec.template.spec.serviceAccountName, 'payments-effects');
      assert.is((d as any).spec.template.metadata.labels['azure.workload.identity/use'], 'true', 'the webhook injects the token only where asked');
    }
    assert.is(one(objs, 'ConfigMap').data.AZURE_STORAGE_ACCOUNT, storageAccountName('payments', 'azure', 'payments-prod'));
    assert.not.match(text(`infra/azure/k8s/${region}.k8s.yaml`), 'AccountKey=');
  }
});

test('azure: gati deploy applies the effects template before the workloads', () => {
  const manifest = JSON.parse(text('infra/azure/deploy.json')) as DeployManifest;
  assert.is(manifest.files.azureEffects, 'infra/azure/azure/effects.template.json');
  const steps = deploySteps(manifest, { files: 'infra/azure', image: false, rollback: false }).map(formatStep);
  const effects = steps.findIndex((s) => s.includes('effects.template.json'));
  assert.ok(effects >= 0, steps.join('\n'));
  assert.match(steps[effects]!, 'az deployment group create --resource-group payments-prod --name payments-azure-effects');
  assert.ok(effects < steps.findIndex((s) => s.startsWith('kubectl')), steps.join('\n'));
});

test('gati build (the CLI) writes the same cloud-queue files to disk', () => {
  const built = spawnSync(process.execPath, [GATI_BIN, 'build', app.root], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.is(built.status, 0, built.stderr + built.stdout);
  for (const path of ['infra/aws/aws/payments-aws-us-east-1.template.json', 'infra/aws/k8s/us-east-1.k8s.yaml', 'infra/gcp/k8s/europe-west1.k8s.yaml', 'infra/azure/azure/effects.template.json', 'infra/azure/k8s/eastus.k8s.yaml']) {
    assert.is(readFileSync(join(app.root, path), 'utf8'), text(path), path);
  }
  assert.match(readFileSync(join(app.root, 'infra/aws/aws/payments-aws-us-east-1.template.json'), 'utf8'), '"QueueName": "payments-effects-dead"');
});

test('the environments keeping Redis (prod, staging) get no queue ServiceAccount and no cloud objects', () => {
  for (const path of ['infra/prod/k8s/eu-west.k8s.yaml', 'infra/staging/k8s/default.k8s.yaml']) {
    const objs = objects(path);
    // prod has the control panel on: its ServiceAccount is the panel's (test/control-app-data.test.ts).
    assert.equal(objs.filter((o) => (o.kind === 'ServiceAccount' && o.metadata.name !== 'payments-control') || o.apiVersion.includes('cnrm')), [], path);
  }
});

test('GATI4011: a cloud queue without the identity keys it needs, an issuer missing for a region, a name the service refuses', async () => {
  const root = infraApp();
  try {
    const deploy = {
      aws: { provider: 'aws', regions: ['us-east-1', 'eu-west-1'], domain: 'pay.example.com', kubeContext: 'eks-{region}', effects: { backend: 'sqs' }, aws: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', oidcIssuers: { 'us-east-1': 'oidc.eks.us-east-1.amazonaws.com/id/ABC' } } },
      gcp: { provider: 'gcp', domain: 'pay.example.com', effects: { backend: 'pubsub' } },
      azure: { provider: 'azure', domain: 'pay.example.com', effects: { backend: 'azure-queue', queue: 'Payments--Jobs' }, azure: { resourceGroup: 'rg' } },
    };
    writeFileSync(join(root.root, 'gati.config.ts'), `export default ${JSON.stringify({ name: 'payments', effects: { backend: 'redis', url: 'redis://r:6379' }, deploy }, null, 2)};\n`);
    const r = await buildApp(root.root, { versions: 'skip' });
    const messages = r.diagnostics.filter((d) => d.code === 'GATI4011').map((d) => d.message).sort();
    assert.equal(messages, [
      "deploy environment 'aws' (provider 'aws'): 'aws.accountId' is required with effects on sqs: the ARN of the effects role the pods' ServiceAccount names (IRSA)",
      "deploy environment 'gcp' (provider 'gcp'): 'gcp.project' is required with effects on pubsub: the project of the topics and of the Workload Identity binding",
      "deploy environment 'aws' (provider 'aws'): 'aws.oidcIssuers' has no issuer for the region(s) 'eu-west-1'",
      "deploy environment 'azure' (provider 'azure'): 'azure.identity' is required with effects on azure-queue: the managed identity (name and client id) the pods run as through Workload Identity",
      "deploy environment 'azure' (provider 'azure'): 'azure.oidcIssuers' is required with effects on azure-queue: each AKS cluster's OIDC issuer, for the identity's federated credentials",
      "deploy environment 'azure' (provider 'azure'): 'Payments--Jobs' is not an Azure queue name (lowercase letters, digits and single hyphens, 3 to 58 characters)",
    ].sort());
    assert.equal(r.artifacts.filter((a) => a.path.startsWith('infra/')), []);
  } finally {
    root.remove();
  }
});

test.run();
