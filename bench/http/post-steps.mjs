#!/usr/bin/env node
// The validated POST of the HTTP benchmark, step by step (issue 24, "the POST path"): each step the
// pipeline runs for `POST /users/:userId/orders` with bench/http/body.json, timed alone in a loop
// (process CPU µs per call, median of rounds), with the runtime functions of a checkout's lib/ and
// the route's generated validators and serializers from the bench app's bundle. `--lib DIR` times
// another checkout's runtime (before/after); steps that checkout lacks print '-'.
//
// Usage (after `node scripts/build.mjs` and `node bench/http/gen-app.mjs && node bin/gati.mjs build bench/.work/http-app`):
//   taskset -c 1 node bench/http/post-steps.mjs [--lib DIR] [--app DIR] [--rounds 7] [--calls 200000]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { DEFAULT_HTTP_APP_DIR, REPO_ROOT } from './gen-app.mjs';
import { POST_PATH } from './routes.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const LIB = opt('lib', REPO_ROOT);
const APP = opt('app', DEFAULT_HTTP_APP_DIR);
const ROUNDS = Number(opt('rounds', 7));
const CALLS = Number(opt('calls', 200_000));

const lib = (f) => import(pathToFileURL(join(LIB, 'lib', 'runtime-shim', 'server', f)).href);
const [body, safe, validation, context, responses] = await Promise.all([lib('body.js'), lib('safe-json.js'), lib('validation.js'), lib('request-context.js'), lib('responses.js')]);
const { app } = await import(pathToFileURL(join(APP, 'dist', 'app.mjs')).href);
const routeIndex = app.routes.findIndex((r) => r.key === 'POST /users/:userId/orders');
const route = app.routes[routeIndex];
const matched = app.match('POST', POST_PATH);

const TEXT = readFileSync(join(REPO_ROOT, 'bench', 'http', 'body.json'), 'utf8').trim();
const RAW = Buffer.from(TEXT);
const incoming = {
  method: 'POST', url: POST_PATH, ip: '127.0.0.1',
  headers: { host: '127.0.0.1:3200', 'content-type': 'application/json', 'content-length': String(RAW.length) },
  readBody: () => Promise.resolve(RAW),
};
const log = { child: () => log, info() {}, warn() {}, error() {}, debug() {}, level: 'warn' };
const target = { incoming, path: POST_PATH, search: '' };
const freshReq = () => ({ ...context.handlerRequest(target, { ...matched.params }), body: JSON.parse(TEXT) });
const answer = await route.handler(freshReq(), new responses.Res(201), {}, {});
const serialize = route.serializers?.s201;
const ANSWER_TEXT = JSON.stringify(answer);

/** name → a function of one call (or undefined: not in this checkout). */
const steps = [
  ['route match (router)', () => app.match('POST', POST_PATH)],
  ['request id', () => context.requestIdOf(incoming)],
  ['req + lctx objects', () => { context.handlerRequest(target, matched.params); return new context.RequestContext('id', log, ''); }],
  ['body bytes → text', () => RAW.toString('utf8')],
  ['content type check', () => body.isJsonContentType(incoming.headers['content-type'])],
  ['nesting check', () => body.nestsDeeperThan(TEXT, 64)],
  ['JSON.parse alone (reference)', () => JSON.parse(TEXT)],
  ['safe parse (parse + poisoning scan)', () => safe.parseJson(TEXT)],
  ['decode (all three above)', () => body.decodeJsonBody(RAW, 'application/json', 64)],
  ['validate params + body (+ revive)', (req) => validation.refuseInvalid(req, route.validators, 20, true), freshReq],
  ['JSON.stringify(answer) (reference)', () => JSON.stringify(answer)],
  ['response body (bodyResponse)', () => responses.bodyResponse(201, {}, answer, serialize)],
  ['content-length (Buffer.byteLength)', () => Buffer.byteLength(ANSWER_TEXT)],
];

function time(fn, setup) {
  const inputs = setup ? Array.from({ length: CALLS }, setup) : undefined;
  const start = process.cpuUsage();
  let sink;
  if (inputs) for (let i = 0; i < CALLS; i++) sink = fn(inputs[i]);
  else for (let i = 0; i < CALLS; i++) sink = fn();
  const cpu = process.cpuUsage(start);
  if (sink === Symbol.for('never')) console.log(sink);
  return (cpu.user + cpu.system) / CALLS;
}

console.log(`runtime ${LIB}/lib, app ${APP}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${ROUNDS} rounds × ${CALLS} calls`);
console.log('| step | CPU µs per call (median) | range |');
console.log('|---|---|---|');
for (const [name, fn, setup] of steps) {
  time(fn, setup);
  const xs = Array.from({ length: ROUNDS }, () => time(fn, setup)).sort((a, b) => a - b);
  console.log(`| ${name} | ${xs[xs.length >> 1].toFixed(3)} | ${xs[0].toFixed(3)}–${xs[xs.length - 1].toFixed(3)} |`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
