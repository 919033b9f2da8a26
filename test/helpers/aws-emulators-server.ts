// A process that runs the SQS (fauxqs) and DynamoDB (dynalite, in memory) emulators on free loopback
// ports and prints their endpoints as one JSON line. Its own process, so that a test may block on a
// child process (spawnSync) that talks to them. Ends on SIGTERM.
import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import { startFauxqs } from 'fauxqs';

const fauxqs = await startFauxqs({ port: 0, logger: false });
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;
const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ sqs: fauxqs.address, dynamodb: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}` })}\n`);
process.once('SIGTERM', () => {
  void fauxqs.stop().finally(() => dynamo.close(() => process.exit(0)));
});
