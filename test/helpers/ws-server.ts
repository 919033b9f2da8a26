// A tiny real server for the WebSocket runtime's tests and bench, on whatever engine runs it
// (node, `bun`, `deno run -A`): one test route behind the engine's own HTTP server, the runtime's
// adapter for that engine, and a hub with the bridge the environment asks for. Prints
// `{"port":N}` once listening (one line per worker with WS_WORKERS); SIGTERM shuts down gracefully.
//   WS_WORKERS=2           node only: a cluster primary relaying, two workers on their own ports
//   WS_REDIS_PREFIX=p:     a Redis bridge on 127.0.0.1:6379 with that channel prefix
//   WS_MAX_MSG, WS_MAX_BUF, WS_PING_MS: the limits
//   WS_VALIDATE=0          no `in` validator (the bench's raw-vs-validated comparison keeps it on)
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import AjvModule from 'ajv';
import {
  BunFanout,
  createBunWsEngine,
  createClusterBridge,
  createDenoWsEngine,
  createNodeWsEngine,
  createRedisBridge,
  createWsHub,
  relayWsMessages,
  type AcceptedUpgrade,
  type WsBridge,
  type WsConnection,
  type WsHub,
  type WsRoute,
} from '../../runtime-shim/ws/index.js';
import type { ValidateFn } from '../../runtime-shim/server/app.js';
import type { Logger } from '../../runtime-shim/types.js';

const env = (globalThis as { process?: NodeJS.Process }).process?.env ?? {};
const engine: 'node' | 'bun' | 'deno' = 'Bun' in globalThis ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node';

const log: Logger = {
  debug() {},
  info() {},
  warn: (o, m) => console.error(JSON.stringify({ level: 'warn', msg: m, ...(o as object) })),
  error: (o, m) => console.error(JSON.stringify({ level: 'error', msg: m, ...(o as object) })),
  child: () => log,
};

const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (o: object) => { compile(s: object): ValidateFn };
const validateIn = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['echo', 'sub', 'pub', 'gpub', 'flood', 'gflood', 'throw'] },
    text: { type: 'string', maxLength: 20000 },
    topic: { type: 'string' },
    at: { type: 'string' },
    n: { type: 'integer' },
    size: { type: 'integer' },
  },
});

interface In {
  type: 'echo' | 'sub' | 'pub' | 'gpub' | 'flood' | 'gflood' | 'throw';
  text?: string;
  topic?: string;
  at?: string | Date;
  n?: number;
  size?: number;
}

function testRoute(hub: () => WsHub): WsRoute {
  return {
    key: 'WS /test',
    validateIn: env.WS_VALIDATE === '0' ? undefined : validateIn,
    reviveIn: (msg) => {
      const m = msg as In;
      if (typeof m.at === 'string') m.at = new Date(m.at);
      return m;
    },
    handler: {
      open(ws: WsConnection) {
        if (ws.query.topic) ws.subscribe(String(ws.query.topic));
      },
      message(ws: WsConnection, msg: In) {
        switch (msg.type) {
          case 'echo':
            return ws.send({ type: 'echo', text: msg.text, at: msg.at, revived: msg.at instanceof Date });
          case 'sub':
            ws.subscribe(msg.topic!);
            return ws.send({ type: 'subscribed', topic: msg.topic });
          case 'pub':
            return ws.publish(msg.topic!, { type: 'published', text: msg.text });
          case 'gpub':
            return hub().publish(msg.topic!, { type: 'published', text: msg.text });
          case 'flood':
            for (let i = 0; i < msg.n!; i++) ws.send({ type: 'blob', text: 'x'.repeat(msg.size!) });
            return;
          case 'gflood':
            for (let i = 0; i < msg.n!; i++) hub().publish(msg.topic!, { type: 'blob', text: 'x'.repeat(msg.size!) });
            return;
          case 'throw':
            throw new Error('boom from the handler');
        }
      },
    },
  };
}

function limits() {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  return Object.fromEntries(Object.entries({ maxMessageBytes: num(env.WS_MAX_MSG), maxBufferedBytes: num(env.WS_MAX_BUF), pingIntervalMs: num(env.WS_PING_MS) }).filter(([, v]) => v !== undefined));
}

async function bridge(): Promise<WsBridge | undefined> {
  if (env.WS_REDIS_PREFIX) return createRedisBridge({ url: 'redis://127.0.0.1:6379', prefix: env.WS_REDIS_PREFIX });
  if (engine === 'node' && cluster.isWorker) return createClusterBridge();
  return undefined;
}

const accept = (route: WsRoute, url: URL): AcceptedUpgrade => ({ route, params: {}, query: Object.fromEntries(url.searchParams), headers: {} });

async function main(): Promise<void> {
  if (engine === 'node' && cluster.isPrimary && Number(env.WS_WORKERS ?? 1) > 1) {
    relayWsMessages();
    for (let i = 0; i < Number(env.WS_WORKERS); i++) cluster.fork();
    process.on('SIGTERM', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      process.exit(0);
    });
    return;
  }
  let stop: () => Promise<void>;
  if (engine === 'bun') {
    const fanout = new BunFanout();
    const hub = createWsHub({ fanout, bridge: await bridge() });
    const ws = createBunWsEngine({ gctx: {}, log, hub, fanout, limits: limits() });
    const route = testRoute(() => hub);
    const Bun = (globalThis as unknown as { Bun: { serve(o: object): { port: number; stop(force?: boolean): void } & Parameters<typeof ws.acceptUpgrade>[1] } }).Bun;
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(req: Request, srv: Parameters<typeof ws.acceptUpgrade>[1]) {
        if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('Upgrade Required', { status: 426 });
        return ws.acceptUpgrade(req, srv, accept(route, new URL(req.url)));
      },
      websocket: ws.websocket,
    });
    fanout.attach(server);
    console.log(JSON.stringify({ port: server.port }));
    stop = async () => {
      await ws.close(2000);
      await hub.close();
      server.stop(true);
    };
  } else if (engine === 'deno') {
    const hub = createWsHub({ bridge: await bridge() });
    const ws = createDenoWsEngine({ gctx: {}, log, hub, limits: limits() });
    const route = testRoute(() => hub);
    const Deno = (globalThis as unknown as { Deno: { serve(o: object, h: (r: Request) => Response): { shutdown(): Promise<void> } } }).Deno;
    const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }: { port: number }) => console.log(JSON.stringify({ port })) }, (req) => {
      if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('Upgrade Required', { status: 426 });
      return ws.acceptUpgrade(req, accept(route, new URL(req.url)));
    });
    stop = async () => {
      await ws.close(2000);
      await hub.close();
      await server.shutdown();
    };
  } else {
    const hub = createWsHub({ bridge: await bridge() });
    const ws = createNodeWsEngine({ gctx: {}, log, hub, limits: limits() });
    const route = testRoute(() => hub);
    const server = createServer((_req, res) => {
      res.statusCode = 426;
      res.end('Upgrade Required');
    });
    server.on('upgrade', (req, socket, head) => ws.acceptUpgrade(req, socket, head, accept(route, new URL(req.url ?? '/', 'http://x'))));
    // exclusive: each cluster worker on its own port, so a test can reach both.
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve));
    console.log(JSON.stringify({ port: (server.address() as { port: number }).port }));
    stop = async () => {
      await ws.close(2000);
      await hub.close();
      server.close();
    };
  }
  const onSignal = () => void stop().then(() => process.exit(0));
  if (engine === 'deno') (globalThis as unknown as { Deno: { addSignalListener(s: string, f: () => void): void } }).Deno.addSignalListener('SIGTERM', onSignal);
  else process.on('SIGTERM', onSignal);
}

void main();
