#!/usr/bin/env node
// What tracing costs per request in process, without HTTP (issue 18; bench/tracing.mjs measures it
// through `gati start` under wrk): the request's server span and its handler span made by the
// runtime's tracer (lib/runtime-shim/tracing, after `npm run build`) around an async handler, the
// answer's traceparent, and the batch encoded as OTLP and POSTed to a sink in another process, so the
// encoding and the export count. AsyncLocalStorage, once the first traced run used it, stays enabled
// for both runs: its per-promise cost is in neither figure (bench/tracing.mjs has it). CPU per request = (process CPU with tracing − without) / requests.
//
// Usage: node bench/tracing-micro.mjs [--requests 200000] [--rounds 5] [--protocol http/protobuf|http/json]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { loadTracing } from '../lib/runtime-shim/tracing/sdk.js';
import { tracingSettings } from '../lib/runtime-shim/tracing/settings.js';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const REQUESTS = Number(opt('requests', 200_000));
const ROUNDS = Number(opt('rounds', 5));
const PROTOCOL = opt('protocol', 'http/protobuf');
const CHUNK = 500;

// The sink: another process, so its CPU is not counted here.
const sink = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end()); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => sink.stdout.once('data', (d) => resolve(Number(String(d).trim()))));

const log = { debug() {}, info() {}, warn: (o, m) => console.error('warn', m, o), error: (o, m) => console.error('error', m, o), child: () => log };
const settings = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_EXPORTER_OTLP_PROTOCOL: PROTOCOL, OTEL_TRACES_SAMPLER: 'always_on' }, 'bench');
// A queue large enough that no span is dropped (a dropped span would cost less than an exported one).
const loaded = loadTracing(settings, log, { OTEL_BSP_MAX_QUEUE_SIZE: '100000000', OTEL_BSP_SCHEDULE_DELAY: '20' });
const tracer = loaded.tracer;

const plainHandler = async () => ({ status: 200, body: { ok: true } });
const route = { method: 'GET', path: '/items/:id', key: 'GET /items/:id', handler: plainHandler };

function request(traced) {
  return new Promise((resolve) => {
    const x = { incoming: { method: 'GET', url: '/items/42', headers: {} }, path: '/items/42', trace: undefined };
    // As the pipeline does it: the handler in its span (ended when its answer is known), then the server span.
    const step = (x) => (traced ? x.trace.callHandler(route) : plainHandler()).then((answer) => {
      x.trace?.handlerDone(false);
      const out = { status: answer.status, headers: {}, body: answer.body };
      x.trace?.end(out, route);
      resolve(out);
    });
    if (traced) tracer.route(x, step);
    else step(x);
  });
}

async function run(traced, n) {
  const c0 = process.cpuUsage();
  for (let done = 0; done < n; done += CHUNK) {
    const all = [];
    for (let i = 0; i < CHUNK; i++) all.push(request(traced));
    await Promise.all(all);
    // A turn of the event loop, as a server gets between requests: the batch's export runs.
    await new Promise((r) => setImmediate(r));
  }
  // The export of what this run queued counts too.
  await new Promise((r) => setTimeout(r, 300));
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / n);
}

console.log(`# tracing micro-benchmark  ${new Date().toISOString()}  node ${process.version}  load ${loadavg().map((x) => x.toFixed(1)).join(' ')}  ${PROTOCOL}  ${REQUESTS} requests × ${ROUNDS} rounds`);
await run(true, 20_000);
await run(false, 20_000);
const diffs = [];
for (let r = 0; r < ROUNDS; r++) {
  const off = await run(false, REQUESTS);
  const on = await run(true, REQUESTS);
  diffs.push(on - off);
  console.log(`round ${r + 1}: off ${off.toFixed(2)} µs/req, on ${on.toFixed(2)} µs/req, tracing ${(on - off).toFixed(2)} µs/req`);
}
diffs.sort((a, b) => a - b);
console.log(`tracing (2 spans per request, exported): median ${diffs[Math.floor(diffs.length / 2)].toFixed(2)} µs CPU per request (range ${diffs[0].toFixed(2)}–${diffs[diffs.length - 1].toFixed(2)}); load after ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
await loaded.shutdown();
sink.kill();
