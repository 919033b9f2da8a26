// The cloud queue of a deploy environment whose effects run on its provider's own service (sqs on
// aws, pubsub on gcp, azure-queue on azure): every name the provider's output creates and the pods'
// identity that may use them. The names are the ones the runtime opens (`effects.queue`,
// `effects.table`, the same defaults), so what the deploy creates is what the pods look for.
// Pure: config in, names out; the emitters (infra-aws, infra-k8s, infra-azure) only spell them.
import { createHash } from 'node:crypto';
import type { DeployEnvConfig, EffectsConfig } from '../../runtime-shim/config.js';
import { CONFIG_DEFAULTS } from '../../runtime-shim/defaults.js';
import { queueProvider } from '../../model/queue-provider.js';

/** The runtime's defaults: the queue of every cloud backend, and the record table. */
const DEFAULT_QUEUE = CONFIG_DEFAULTS.effects.queue;
const DEFAULT_DYNAMO_TABLE = CONFIG_DEFAULTS.effects.table;
/** Azure table names are letters and digits only. */
const DEFAULT_AZURE_TABLE = CONFIG_DEFAULTS.effects.azureTable;

/**
 * Deliveries before the service moves a message to the dead-letter queue. Dead jobs are not these:
 * a job that used up its attempts is kept as `dead` in the backend's records, where `gati effects dead`
 * lists it. A message lands here only when it was received this often without being finished or
 * dropped (a job early for its run time is received and hidden again about twice a day, so a month
 * of delays stays far below), i.e. when something keeps crashing on it: kept for inspection, not lost.
 */
export const MAX_DELIVERIES = 100;
/** The dead-letter queue keeps messages this long (the longest SQS and Pub/Sub allow: 14 and 7 days). */
export const DEAD_RETENTION = { sqsDays: 14, pubsubDays: 7, azureTtlSeconds: -1 };

interface Common {
  /** The Kubernetes ServiceAccount of the api and worker pods: the cloud identity is bound to it alone. */
  serviceAccount: string;
  queue: string;
  deadQueue: string;
}

export type CloudQueue =
  | (Common & { backend: 'sqs'; table: string; accountId: string; oidcIssuers: Record<string, string>; role: (region: string) => string })
  | (Common & { backend: 'pubsub'; project: string; googleServiceAccount: string })
  | (Common & { backend: 'azure-queue'; table: string; storageAccount: string; identity: { name: string; clientId: string }; oidcIssuers: Record<string, string> });


/**
 * The environment's cloud queue, or undefined when the app has no effects, or its backend is not its
 * provider's own (Redis; SQS from a `kubernetes` cluster, whose pods bring their own credentials), or
 * the identity keys are missing (checkDeployConfig reports those: GATI4011).
 */
export function cloudQueue(app: string, env: string, d: DeployEnvConfig, effects: EffectsConfig | undefined, hasEffects: boolean): CloudQueue | undefined {
  if (!hasEffects || !effects?.backend || queueProvider(effects.backend) !== d.provider) return undefined;
  const queue = effects.queue ?? DEFAULT_QUEUE;
  const common = { serviceAccount: `${app}-effects`, queue, deadQueue: `${queue}-dead` };
  if (effects.backend === 'sqs' && d.aws?.accountId && d.aws.oidcIssuers) {
    // IAM role names: 64 characters; the region keeps each cluster's role its own.
    const role = (region: string) => `${app}-${env}-${region}-effects`.slice(0, 64);
    return { ...common, backend: 'sqs', table: effects.table ?? DEFAULT_DYNAMO_TABLE, accountId: d.aws.accountId, oidcIssuers: d.aws.oidcIssuers, role };
  }
  if (effects.backend === 'pubsub' && d.gcp) {
    // Google service account ids: 6 to 30 characters, a letter first.
    const id = `gati-${createHash('sha256').update(`${app}/${env}`).digest('hex').slice(0, 12)}-fx`;
    return { ...common, backend: 'pubsub', project: d.gcp.project, googleServiceAccount: `${id}@${d.gcp.project}.iam.gserviceaccount.com` };
  }
  if (effects.backend === 'azure-queue' && d.azure?.identity && d.azure.oidcIssuers) {
    return {
      ...common,
      backend: 'azure-queue',
      table: effects.table ?? DEFAULT_AZURE_TABLE,
      storageAccount: storageAccountName(app, env, d.azure.resourceGroup),
      identity: d.azure.identity,
      oidcIssuers: d.azure.oidcIssuers,
    };
  }
  return undefined;
}

/**
 * Storage account names are global across Azure, 3 to 24 lowercase letters and digits: `gati` and 20
 * hex digits of a hash of app, environment and resource group, so a build knows it (the pods get it
 * in their ConfigMap) and two apps or environments never collide.
 */
export function storageAccountName(app: string, env: string, resourceGroup: string): string {
  return `gati${createHash('sha256').update(`${app}/${env}/${resourceGroup}`).digest('hex').slice(0, 20)}`;
}

/** The Kubernetes subject a cloud identity trusts: the ServiceAccount in one namespace. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}
