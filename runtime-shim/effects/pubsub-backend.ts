// The GCP backend: Google Pub/Sub delivers the jobs (pubsub-queue.ts), Firestore keeps the records
// (firestore-records.ts). Loaded only when the config says `effects: { backend: 'pubsub' }`; both
// clients are optional peers of gati.
import { requireOptionalDependency } from '../dependency.js';
import { RecordQueueBackend } from './record-queue-backend.js';
import { openFirestoreRecords } from './firestore-records.js';
import { openPubsubQueue } from './pubsub-queue.js';
import type { EffectBackend } from './types.js';

export interface PubsubBackendOptions {
  /** Topic name; its subscription has the same name, dead copies go to "<topic>-dead" (all created when missing). */
  topic: string;
  /** Firestore collection of the job records. */
  collection: string;
}

export async function openPubsubBackend(options: PubsubBackendOptions): Promise<EffectBackend> {
  const queue = await openPubsubQueue(requireOptionalDependency('@google-cloud/pubsub'), options.topic);
  return new RecordQueueBackend('pubsub', queue, openFirestoreRecords(requireOptionalDependency('@google-cloud/firestore'), options.collection));
}
