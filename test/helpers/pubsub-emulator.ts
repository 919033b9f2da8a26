// Google's Pub/Sub and Firestore emulators (gcloud beta emulators …, Java) for the pubsub effects
// backend. Started on first use, once per test process (every later suite reuses them), pointed at
// through the clients' standard variables (which worker processes spawned by a test inherit), killed
// by their process groups when the test process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from './effects.js';
import { freePort, startEmulator, stopEmulator, type EmulatorProcess } from './emulator-process.js';

let running: EmulatorProcess[] = [];

/** Starts the emulators once; PUBSUB_EMULATOR_HOST, FIRESTORE_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT point at them afterwards. */
export async function pubsubEmulators(): Promise<void> {
  if (running.length || process.env['GATI_TEST_GCP_EMULATORS'] === 'inherited') return;
  const [pubsubPort, firestorePort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startEmulator('gcloud', ['beta', 'emulators', 'pubsub', 'start', `--host-port=127.0.0.1:${pubsubPort}`, '--project=gati-test', '--quiet'], /Server started, listening on/),
    startEmulator('gcloud', ['beta', 'emulators', 'firestore', 'start', `--host-port=127.0.0.1:${firestorePort}`, '--quiet'], /Dev App Server is now running/),
  ]);
  running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    const stopping = running;
    running = [];
    await Promise.all(stopping.map((e) => stopEmulator(e)));
    throw (failed as PromiseRejectedResult).reason;
  }
  Object.assign(process.env, {
    GOOGLE_CLOUD_PROJECT: 'gati-test',
    PUBSUB_EMULATOR_HOST: `127.0.0.1:${pubsubPort}`,
    FIRESTORE_EMULATOR_HOST: `127.0.0.1:${firestorePort}`,
    // No GCE metadata server here: without this, google-auth-library probes for one and warns on every client.
    METADATA_SERVER_DETECTION: 'none',
  });
}

/** Variables that hand the running emulators to a child process (which then starts none). */
export function inheritedPubsubEmulators(): Record<string, string> {
  return { GATI_TEST_GCP_EMULATORS: 'inherited' };
}

/** A fresh topic and collection per test (call pubsubEmulators() first). */
export function pubsubStore(): Store {
  const name = `gati-test-${randomUUID().slice(0, 8)}`;
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return { config: { backend: 'pubsub', queue: name, table: name }, root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}
