// SQS and DynamoDB emulators for the sqs effects backend, in this process on free loopback ports:
// fauxqs (SQS) and dynalite (DynamoDB, in memory). Started on first use, pointed at through the AWS
// SDK's standard variables (which child processes inherit), stopped by stopAwsEmulators().
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from './effects.js';

interface Running {
  stop(): Promise<void>;
}

let running: Promise<Running> | undefined;

async function start(): Promise<Running> {
  const { startFauxqs } = await import('fauxqs');
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
  });
  return {
    async stop() {
      await fauxqs.stop();
      await new Promise((r) => dynamo.close(r));
    },
  };
}

/** Starts the emulators once; the AWS_* variables point at them afterwards. */
export async function awsEmulators(): Promise<void> {
  await (running ??= start());
}

export async function stopAwsEmulators(): Promise<void> {
  const r = running;
  running = undefined;
  if (r) await (await r).stop();
}

/** A fresh queue and table per test (call awsEmulators() first). */
export function sqsStore(): Store {
  const name = `gati-test-${randomUUID().slice(0, 8)}`;
  const root = mkdtempSync(join(tmpdir(), 'gati-effects-'));
  return { config: { backend: 'sqs', queue: name, table: name }, root, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}
