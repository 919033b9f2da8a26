// SQS and DynamoDB emulators for the sqs effects backend: fauxqs and dynalite, in a child process
// (test/helpers/aws-emulators-server.ts) on free loopback ports. Started on first use, once per test
// process (every later suite reuses them), pointed at through the AWS SDK's standard variables (which
// worker processes spawned by a test inherit), and killed by their process id when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { REPO } from './paths.js';
import { endsWithThisProcess } from './emulator-process.js';
import type { Store } from './effects.js';

let server: ChildProcess | undefined;

/** Starts the emulators once; the AWS_* variables point at them afterwards. */
export async function awsEmulators(): Promise<void> {
  // A parent test process already runs them (test/effects-engines.test.ts: Deno may not spawn).
  if (server || process.env['GATI_TEST_AWS_EMULATORS'] === 'inherited') return;
  const child = spawn(process.execPath, [join(REPO, 'lib/test/helpers/aws-emulators-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  server = child;
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the AWS emulators exited (${code}) before they listened`)));
  });
  endsWithThisProcess(child, false);
  const endpoints = JSON.parse(line) as { sqs: string; dynamodb: string };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  });
}

/** Variables that hand the running emulators to a child process (which then starts none). */
export function inheritedAwsEmulators(): Record<string, string> {
  return { GATI_TEST_AWS_EMULATORS: 'inherited' };
}

/** A fresh queue and table per test (call awsEmulators() first). */
export function sqsStore(): Store {
  const name = `gati-test-${randomUUID().slice(0, 8)}`;
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return { config: { backend: 'sqs', queue: name, table: name }, root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}
