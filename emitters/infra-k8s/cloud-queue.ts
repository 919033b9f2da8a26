// The Kubernetes side of a cloud queue (emitters/infra/cloud-queue.ts): the ServiceAccount the api
// and worker pods run as, bound to the cloud identity that may use the queue (IRSA on EKS, Workload
// Identity on GKE and AKS: short-lived tokens, no key in the image or in a Secret), the variables the
// backend connects with, and on GKE the topics, subscriptions and IAM bindings as Config Connector
// objects (GKE has no template language of its own; Config Connector is its Kubernetes-native one).
import type * as Cdk8s from 'cdk8s';
import type * as Plus from 'cdk8s-plus-33';
import { MAX_DELIVERIES, DEAD_RETENTION, type CloudQueue } from '../infra/cloud-queue.js';
import { regionNamespace, type EnvPlan } from '../infra/plan.js';
import { meta } from './workloads.js';

/** Variables the backend connects with: the region, the project, the storage account. */
export function queueEnv(queue: CloudQueue | undefined, region: string): Record<string, string> {
  if (queue?.backend === 'sqs') return { AWS_REGION: region };
  if (queue?.backend === 'pubsub') return { GOOGLE_CLOUD_PROJECT: queue.project };
  // No connection string: the pods reach the account with their Workload Identity token.
  if (queue?.backend === 'azure-queue') return { AZURE_STORAGE_ACCOUNT: queue.storageAccount };
  return {};
}

/** Labels the pod template needs (Azure's webhook injects the token only into pods that ask). */
export function queuePodLabels(queue: CloudQueue | undefined): Record<string, string> | undefined {
  return queue?.backend === 'azure-queue' ? { 'azure.workload.identity/use': 'true' } : undefined;
}

/** The ServiceAccount of the api and worker pods, annotated with the cloud identity it may become. */
export function queueServiceAccount(k8s: typeof Plus.k8s, chart: Cdk8s.Chart, plan: EnvPlan, region: string): void {
  const queue = plan.queue;
  if (!queue) return;
  const annotations: Record<string, string> =
    queue.backend === 'sqs'
      ? { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${queue.accountId}:role/${queue.role(region)}`, 'eks.amazonaws.com/sts-regional-endpoints': 'true' }
      : queue.backend === 'pubsub'
        ? { 'iam.gke.io/gcp-service-account': queue.googleServiceAccount }
        : { 'azure.workload.identity/client-id': queue.identity.clientId };
  new k8s.KubeServiceAccount(chart, 'effects-service-account', {
    metadata: meta(plan, queue.serviceAccount, 'effects', annotations),
    // The API token is not mounted; the cloud's webhook (EKS, AKS) projects its own audience-bound token.
    automountServiceAccountToken: false,
  });
}

/**
 * Pub/Sub topics and subscriptions, the Google service account and its bindings, as Config Connector
 * objects in the primary region's chart (topics are global: one set serves every region).
 */
export function pubsubObjects(cdk8s: typeof Cdk8s, chart: Cdk8s.Chart, plan: EnvPlan): void {
  const queue = plan.queue;
  if (queue?.backend !== 'pubsub') return;
  const object = (id: string, apiVersion: string, kind: string, name: string, spec: Record<string, unknown>) =>
    new cdk8s.ApiObject(chart, id, { apiVersion, kind, metadata: { ...meta(plan, name, 'effects'), annotations: { 'cnrm.cloud.google.com/project-id': queue.project } }, spec });
  const PUBSUB = 'pubsub.cnrm.cloud.google.com/v1beta1';
  const IAM = 'iam.cnrm.cloud.google.com/v1beta1';
  const gsaId = queue.googleServiceAccount.split('@')[0]!;
  const never = { ttl: '' };
  object('effects-topic', PUBSUB, 'PubSubTopic', queue.queue, { messageRetentionDuration: '604800s' });
  object('effects-dead-topic', PUBSUB, 'PubSubTopic', queue.deadQueue, { messageRetentionDuration: '604800s' });
  object('effects-subscription', PUBSUB, 'PubSubSubscription', queue.queue, {
    topicRef: { name: queue.queue },
    // The backend extends the deadline while a job runs (its lease heartbeat).
    ackDeadlineSeconds: 60,
    messageRetentionDuration: `${DEAD_RETENTION.pubsubDays * 86_400}s`,
    retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
    deadLetterPolicy: { deadLetterTopicRef: { name: queue.deadQueue }, maxDeliveryAttempts: MAX_DELIVERIES },
    // A subscription without traffic for 31 days is deleted by default: never, for a queue.
    expirationPolicy: never,
  });
  // The dead-letter topic keeps what it receives only through a subscription of its own.
  object('effects-dead-subscription', PUBSUB, 'PubSubSubscription', queue.deadQueue, {
    topicRef: { name: queue.deadQueue },
    messageRetentionDuration: `${DEAD_RETENTION.pubsubDays * 86_400}s`,
    expirationPolicy: never,
  });
  object('effects-google-service-account', IAM, 'IAMServiceAccount', gsaId, { displayName: `gati ${plan.app} ${plan.env} effects` });
  const member = (id: string, role: string, resourceRef: Record<string, string>, who: Record<string, unknown>) =>
    object(id, IAM, 'IAMPolicyMember', `${plan.app}-${id}`, { ...who, role, resourceRef });
  const gsa = { member: `serviceAccount:${queue.googleServiceAccount}` };
  // Least privilege: the app's identity publishes to its topic and consumes its subscription, nothing else.
  member('effects-publisher', 'roles/pubsub.publisher', { kind: 'PubSubTopic', name: queue.queue }, gsa);
  member('effects-topic-viewer', 'roles/pubsub.viewer', { kind: 'PubSubTopic', name: queue.queue }, gsa);
  member('effects-subscriber', 'roles/pubsub.subscriber', { kind: 'PubSubSubscription', name: queue.queue }, gsa);
  member('effects-subscription-viewer', 'roles/pubsub.viewer', { kind: 'PubSubSubscription', name: queue.queue }, gsa);
  // Workload Identity: the app's Kubernetes ServiceAccount, in each region's namespace, may act as the Google one.
  const namespaces = [...new Set(plan.regions.map((r) => regionNamespace(plan.namespace, r)))];
  namespaces.forEach((ns, i) => {
    member(namespaces.length === 1 ? 'effects-workload-identity' : `effects-workload-identity-${i + 1}`, 'roles/iam.workloadIdentityUser', { kind: 'IAMServiceAccount', name: gsaId }, {
      member: `serviceAccount:${queue.project}.svc.id.goog[${ns}/${queue.serviceAccount}]`,
    });
  });
  // Dead-lettering is done by Pub/Sub's own service agent: it must publish to the dead topic and
  // acknowledge on the subscription (Config Connector resolves the agent's address).
  object('effects-pubsub-agent', 'serviceusage.cnrm.cloud.google.com/v1beta1', 'ServiceIdentity', 'pubsub.googleapis.com', { projectRef: { external: `projects/${queue.project}` } });
  const agent = { memberFrom: { serviceIdentityRef: { name: 'pubsub.googleapis.com' } } };
  member('effects-dead-letter-publisher', 'roles/pubsub.publisher', { kind: 'PubSubTopic', name: queue.deadQueue }, agent);
  member('effects-dead-letter-subscriber', 'roles/pubsub.subscriber', { kind: 'PubSubSubscription', name: queue.queue }, agent);
  firestoreObjects(object, member, plan, queue.project, gsa);
}

type ObjectFn = (id: string, apiVersion: string, kind: string, name: string, spec: Record<string, unknown>) => Cdk8s.ApiObject;
type MemberFn = (id: string, role: string, resourceRef: Record<string, string>, who: Record<string, unknown>) => Cdk8s.ApiObject;

/**
 * The job records of the pubsub backend live in the project's (default) Firestore database
 * (runtime-shim/effects/firestore-records.ts): the database in native mode, in the primary region,
 * for a project that has none (Config Connector acquires one that exists; it is abandoned, never
 * deleted, with the app, since other software may use it), and the app's Google service account
 * as a user of that database alone (an IAM condition on its name: a project-level grant is the only
 * kind Firestore databases accept, the condition narrows it).
 */
function firestoreObjects(object: ObjectFn, member: MemberFn, plan: EnvPlan, project: string, gsa: Record<string, unknown>): void {
  const database = object('effects-firestore-database', 'firestore.cnrm.cloud.google.com/v1beta1', 'FirestoreDatabase', `${plan.app}-firestore-default`, {
    projectRef: { external: `projects/${project}` },
    resourceID: FIRESTORE_DATABASE,
    locationID: plan.regions[0]!,
  });
  database.metadata.addAnnotation('cnrm.cloud.google.com/deletion-policy', 'abandon');
  member('effects-firestore-user', 'roles/datastore.user', { kind: 'Project', external: `projects/${project}` }, {
    ...gsa,
    condition: {
      title: `${plan.app} effects records`,
      description: `gati ${plan.app} ${plan.env}: the job records in the (default) Firestore database only`,
      expression: `resource.name == "projects/${project}/databases/${FIRESTORE_DATABASE}"`,
    },
  });
}

/** The database the Firestore client opens when given none. */
const FIRESTORE_DATABASE = '(default)';

