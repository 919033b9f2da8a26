// Which cloud's deploy output creates an effects backend's queues: shared by the config check
// (compiler/config/check-deploy.ts) and the infra emitters (emitters/infra/cloud-queue.ts).

const PROVIDER_OF: Readonly<Record<string, 'aws' | 'gcp' | 'azure'>> = { sqs: 'aws', pubsub: 'gcp', 'azure-queue': 'azure' };

/** The provider whose output creates a backend's queues, or undefined (sqlite, redis). */
export function queueProvider(backend: string | undefined): 'aws' | 'gcp' | 'azure' | undefined {
  return backend !== undefined && Object.hasOwn(PROVIDER_OF, backend) ? PROVIDER_OF[backend] : undefined;
}
