#!/usr/bin/env node
// The span work of one traced request, alone (issue 18): no HTTP, no export I/O, no promise. The runtime's
// tracer (lib/runtime-shim/tracing, after `npm run build`) as sdk.ts assembles it: GatiTracer over the
// recorder and the AsyncLocalStorage context manager; the ended spans encoded as OTLP protobuf and the batch
// sealed every 512 spans (the bytes are counted, not sent). Per request: `tracer.route` (server span, its
// frame), `callHandler` of a synchronous handler (handler span), `handlerDone`, `end` (names the server span
// after its route, status, the answer's traceparent). bench/tracing-micro.mjs adds the export and an async
// handler; bench/tracing.mjs measures the whole server.
//
// Usage: node bench/tracing-spans.mjs [--rounds 12] [--requests 200000] [--checkout DIR]
//   --checkout DIR: another built checkout's tracer (a before/after pair: run both, alternating)
// Printed: CPU ns per request (process.cpuUsage over a round / requests): minimum and median of the rounds,
// and the bytes encoded (the same for two checkouts that encode the same spans).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const ROUNDS = Number(opt('rounds', 12));
const N = Number(opt('requests', 200_000));
const REPO = resolve(opt('checkout', join(dirname(fileURLToPath(import.meta.url)), '..')));
const lib = (m) => import(pathToFileURL(join(REPO, 'lib', 'runtime-shim', 'tracing', `${m}.js`)).href);

const api = createRequire(join(REPO, 'package.json'))('@opentelemetry/api');
const { GatiTracer } = await lib('tracer');
const { RecorderProvider, GATI_SCOPE } = await lib('recorder');
const { samplerFor } = await lib('sampler');
const { ProtobufBatch } = await lib('otlp');
const { AlsContextManager } = await lib('context-manager');

let bytes = 0;
const pending = new ProtobufBatch({ 'service.name': 'bench', 'telemetry.sdk.name': 'gati' });
const sink = { push(span) { pending.add(span); if (pending.size >= 512) bytes += pending.seal().length; } };
const provider = new RecorderProvider({ trace: api.trace, context: api.context }, samplerFor('always_on', 1), sink);
const contexts = new AlsContextManager(api.ROOT_CONTEXT);
api.context.setGlobalContextManager(contexts);
api.trace.setGlobalTracerProvider(provider);
const tracer = new GatiTracer({ trace: api.trace, createTraceState: api.createTraceState, ROOT_CONTEXT: api.ROOT_CONTEXT }, provider.getTracer(GATI_SCOPE), contexts);

const handler = () => ({ ok: true });
const route = { method: 'GET', path: '/users/:userId/orders/:orderId', key: 'GET /users/:userId/orders/:orderId', handler, middleware: [] };
let out;
const step = (x) => {
  const value = x.trace.callHandler(route);
  x.trace.handlerDone(false);
  out = { status: 200, headers: {}, body: value };
  x.trace.end(out, route);
};
const request = () => tracer.route({ incoming: { method: 'GET', url: '/users/42/orders/1337', headers: {} }, path: '/users/42/orders/1337', started: 0, trace: undefined }, step);

const perRequest = [];
for (let r = 0; r < ROUNDS; r++) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) request();
  const c = process.cpuUsage(c0);
  perRequest.push(((c.user + c.system) * 1000) / N);
  await new Promise((r) => setTimeout(r, 5));
}
if (!out.headers.traceparent) throw new Error('no traceparent on the answer: tracing did not run');
perRequest.sort((a, b) => a - b);
console.log(`${REPO}: span work per request (2 spans, encoded): min ${Math.round(perRequest[0])} ns CPU, median ${Math.round(perRequest[perRequest.length >> 1])} ns; ${bytes} bytes encoded; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
