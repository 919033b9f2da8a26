// A server on the engine running this script (`bun`/`deno` <this file> <engine>) whose only answer is
// a control endpoint streaming ticks: prints `PORT <n>` once listening and `STOPPED` when the stream
// is stopped (test/control-stream.test.ts).
import { createControlPanel } from '../../runtime-shim/control/panel.js';
import { createBunServer } from '../../runtime-shim/server/bun.js';
import { createDenoServer } from '../../runtime-shim/server/deno.js';
import type { ControlEndpoint } from '../../runtime-shim/control/endpoint.js';
import type { CompiledApp } from '../../runtime-shim/server/app.js';
import type { Logger } from '../../runtime-shim/types.js';

const log = { error: (o: unknown) => console.error(o), warn() {}, info() {}, debug() {}, child: () => log } as unknown as Logger;
const endpoint: ControlEndpoint = {
  method: 'GET',
  path: 'ticks',
  handler: (call) => ({
    stream: {
      start(send) {
        send({ event: 'hello', data: `after ${call.lastEventId ?? 'none'}`, id: '1' });
        const timer = setInterval(() => send({ event: 'tick', data: '{}' }), 20);
        return () => {
          clearInterval(timer);
          console.log('STOPPED');
        };
      },
    },
  }),
};
const panel = createControlPanel({ app: () => ({ name: 'streams' }) as CompiledApp, mode: 'dev', log }, [endpoint]);
const create = process.argv[2] === 'bun' ? createBunServer : createDenoServer;
const server = create((req) => panel.answer(req)!, { requestTimeoutMs: 10_000, log });
console.log(`PORT ${await server.listen(0, '127.0.0.1')}`);
