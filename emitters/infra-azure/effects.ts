// Effects on Azure Queue Storage: an ARM template (infra/<env>/azure/effects.template.json) with the
// storage account, the queue and its dead-letter queue, the table of job records, and the access of
// the pods' managed identity through Azure Workload Identity: one federated credential per region's
// AKS cluster (trusting only the app's ServiceAccount) and data roles scoped to those queues and that
// table, not to the account. The account accepts no shared keys: nothing secret exists to leak.
import { jsonArtifact, type Artifact } from '../artifact.js';
import { serviceAccountSubject } from '../infra/cloud-queue.js';
import { regionNamespace, type EnvPlan } from '../infra/plan.js';

/** Built-in role definitions (the same id in every tenant). */
export const AZURE_ROLES = {
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
};
const STORAGE_API = '2023-05-01';
const IDENTITY_API = '2023-01-31';
const ROLE_API = '2022-04-01';

export const effectsTemplatePath = (env: string) => `infra/${env}/azure/effects.template.json`;

export function emitAzureEffects(plan: EnvPlan): Artifact[] {
  const queue = plan.queue;
  if (queue?.backend !== 'azure-queue') return [];
  const account = queue.storageAccount;
  const accountId = `[resourceId('Microsoft.Storage/storageAccounts', '${account}')]`;
  const queueId = (name: string) => `[resourceId('Microsoft.Storage/storageAccounts/queueServices/queues', '${account}', 'default', '${name}')]`;
  const tableId = `[resourceId('Microsoft.Storage/storageAccounts/tableServices/tables', '${account}', 'default', '${queue.table}')]`;
  const identityId = `[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', '${queue.identity.name}')]`;
  const storageQueue = (name: string) => ({
    type: 'Microsoft.Storage/storageAccounts/queueServices/queues',
    apiVersion: STORAGE_API,
    name: `${account}/default/${name}`,
    dependsOn: [`[resourceId('Microsoft.Storage/storageAccounts/queueServices', '${account}', 'default')]`],
    properties: { metadata: { app: plan.app, env: plan.env } },
  });
  // Scoped to one queue or the table: the identity can touch nothing else in the account.
  const role = (scope: string, scopePath: string, roleId: string, what: string) => ({
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: ROLE_API,
    scope: scopePath,
    name: `[guid('${scope}', '${queue.identity.name}', '${roleId}')]`,
    dependsOn: [scope.startsWith('queue:') ? queueId(scope.slice(6)) : tableId],
    properties: {
      roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${roleId}')]`,
      principalId: `[reference(${identityId.slice(1, -1)}, '${IDENTITY_API}').principalId]`,
      principalType: 'ServicePrincipal',
      description: `gati ${plan.app} ${plan.env}: ${what}`,
    },
  });
  // Federated credentials of one identity must be written one at a time: each waits for the previous.
  const credentials = plan.regions.map((region, i) => ({
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
    apiVersion: IDENTITY_API,
    name: `${queue.identity.name}/${plan.app}-${plan.env}-${region}`,
    dependsOn: i === 0 ? [] : [`[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials', '${queue.identity.name}', '${plan.app}-${plan.env}-${plan.regions[i - 1]}')]`],
    properties: {
      issuer: queue.oidcIssuers[region],
      subject: serviceAccountSubject(regionNamespace(plan.namespace, region), queue.serviceAccount),
      audiences: ['api://AzureADTokenExchange'],
    },
  }));
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { generator: 'gati', app: plan.app, env: plan.env, version: plan.image.tag },
    parameters: {
      location: { type: 'string', defaultValue: '[resourceGroup().location]', metadata: { description: 'Region of the storage account (the primary region is a good choice)' } },
    },
    resources: [
      {
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: STORAGE_API,
        name: account,
        location: "[parameters('location')]",
        sku: { name: 'Standard_ZRS' },
        kind: 'StorageV2',
        tags: { app: plan.app, env: plan.env, 'managed-by': 'gati' },
        properties: {
          // Entra ID only: no account keys or SAS tokens to put in an image or a Secret.
          allowSharedKeyAccess: false,
          defaultToOAuthAuthentication: true,
          allowBlobPublicAccess: false,
          minimumTlsVersion: 'TLS1_2',
          supportsHttpsTrafficOnly: true,
        },
      },
      { type: 'Microsoft.Storage/storageAccounts/queueServices', apiVersion: STORAGE_API, name: `${account}/default`, dependsOn: [accountId], properties: {} },
      { type: 'Microsoft.Storage/storageAccounts/tableServices', apiVersion: STORAGE_API, name: `${account}/default`, dependsOn: [accountId], properties: {} },
      storageQueue(queue.queue),
      storageQueue(queue.deadQueue),
      {
        type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
        apiVersion: STORAGE_API,
        name: `${account}/default/${queue.table}`,
        dependsOn: [`[resourceId('Microsoft.Storage/storageAccounts/tableServices', '${account}', 'default')]`],
        properties: {},
      },
      role(`queue:${queue.queue}`, `Microsoft.Storage/storageAccounts/${account}/queueServices/default/queues/${queue.queue}`, AZURE_ROLES.queueDataContributor, `jobs on queue ${queue.queue}`),
      role(`queue:${queue.deadQueue}`, `Microsoft.Storage/storageAccounts/${account}/queueServices/default/queues/${queue.deadQueue}`, AZURE_ROLES.queueDataContributor, `dead jobs on queue ${queue.deadQueue}`),
      role(`table:${queue.table}`, `Microsoft.Storage/storageAccounts/${account}/tableServices/default/tables/${queue.table}`, AZURE_ROLES.tableDataContributor, `job records in table ${queue.table}`),
      ...credentials,
    ],
    outputs: {
      queueEndpoint: { type: 'string', value: `[reference(${accountId.slice(1, -1)}, '${STORAGE_API}').primaryEndpoints.queue]` },
    },
  };
  return [jsonArtifact(effectsTemplatePath(plan.env), template)];
}

