#!/usr/bin/env node
// Versions at request time (issue 5): what a client pinned two versions back costs against one on
// the newest version, on the same server in the same run.
//
// Usage (from the repository root, after `npm run build`):
//   node bench/versions-overhead.mjs                       5 rounds × 3000 requests per case
//   node bench/versions-overhead.mjs --rounds 3 --requests 1000      smoke run
//   --port P (3290)
//
// What it does:
//   1. plays fixtures/versioned out to 3.0.0 in bench/.work/versions-app (v1 → v2 splits User.name,
//      v3 renames role to access), one `gati build` per version;
//   2. starts `node dist/server.mjs` (LOG_LEVEL=warn: no per-request log line), pinned to core 0 when
//      taskset exists, and checks each case's answer once;
//   3. per round, per case (order alternated every round): 300 warm-up requests, then N sequential
//      keep-alive requests from this process, each timed; the server's CPU time over the block is read
//      from /proc/<pid>/stat;
//   4. in process: the same dist/app.mjs's pipeline (prepareApp().handle) called directly, 20 × N calls per
//      case and round, so the server's own extra work is visible without sockets; also the newest case on
//      the same app prepared without its versions (what versioning costs a client of the newest version);
//   5. prints per case the median over rounds of the p50/p99 latency and of the server CPU µs per
//      request, and the ratio pinned-1.0.0 / newest (target ≤ 1.15×).
// Cases: POST /users with a v1 body pinned to 1.0.0 (old-schema check, two request migrations up, two
// response migrations down, shaping to v1's output) vs the same route with a v3 body and no header; and
// GET /users/7 likewise (two response migrations).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const ROUNDS = Number(opt('rounds', 5));
const REQUESTS = Number(opt('requests', 3000));
const WARMUP = 300;
const APP = join(REPO, 'bench/.work/versions-app');
const fixture = (...p) => join(REPO, 'fixtures/versioned', ...p);

function gatiBuild() {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/gati.mjs'), 'build', APP], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`gati build failed:\n${r.stdout}${r.stderr}`);
}

rmSync(APP, { recursive: true, force: true });
mkdirSync(APP, { recursive: true });
cpSync(fixture('v1'), APP, { recursive: true });
gatiBuild();
cpSync(fixture('v2', 'src'), join(APP, 'src'), { recursive: true });
gatiBuild();
rmSync(join(APP, 'src/handlers/health.ts'));
cpSync(fixture('v3', 'src'), join(APP, 'src'), { recursive: true });
gatiBuild();

const pinned = spawnSync('taskset', ['--version']).status === 0;
const cmd = pinned ? ['taskset', ['-c', '0', process.execPath, 'dist/server.mjs']] : [process.execPath, ['dist/server.mjs']];
const port = Number(opt('port', 3290));
const server = spawn(cmd[0], cmd[1], { cwd: APP, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'inherit', 'inherit'] });
server.once('exit', (code) => {
  if (code !== null && code !== 0) console.error(`server exited ${code}`);
});
for (let i = 0; ; i++) {
  const up = await fetch(`http://127.0.0.1:${port}/_health`).then((r) => r.ok, () => false);
  if (up) break;
  if (i > 300) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 20));
}
// taskset execs node, so the pid is the server's.
const statOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // utime + stime, µs (USER_HZ 100)
};
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(c) {
  return new Promise((resolve, reject) => {
    const headers = { ...(c.version ? { 'x-api-version': c.version } : {}), ...(c.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(c.body) } : {}) };
    const req = request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode, body: data, version: res.headers['x-api-version'] }));
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

const v1Body = JSON.stringify({ name: 'Grace Brewster Hopper', role: 'member' });
const v3Body = JSON.stringify({ firstName: 'Grace', lastName: 'Brewster Hopper', access: 'member' });
const pairs = [
  { route: 'POST /users', newest: { method: 'POST', path: '/users', body: v3Body, expect: { id: 'u1', firstName: 'Grace', lastName: 'Brewster Hopper', access: 'member' }, semver: '3.0.0' },
    old: { method: 'POST', path: '/users', body: v1Body, version: '1', expect: { id: 'u1', name: 'Grace Brewster Hopper', role: 'member' }, semver: '1.0.0' } },
  { route: 'GET /users/:id', newest: { method: 'GET', path: '/users/7', expect: { id: '7', firstName: 'Ada', lastName: 'Lovelace', access: 'admin' }, semver: '3.0.0' },
    old: { method: 'GET', path: '/users/7', version: '1', expect: { id: '7', name: 'Ada Lovelace', role: 'admin' }, semver: '1.0.0' } },
];
const sameJson = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
for (const p of pairs) for (const c of [p.newest, p.old]) {
  const r = await send(c);
  if (r.status >= 300 || !sameJson(JSON.parse(r.body), c.expect) || r.version !== c.semver) throw new Error(`${p.route} (${c.semver}) answered ${r.status} ${r.version} ${r.body}`);
}

async function block(c, n) {
  const times = new Float64Array(n);
  const cpu0 = statOf(server.pid);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await send(c);
    times[i] = performance.now() - t;
  }
  const cpu = (statOf(server.pid) - cpu0) / n;
  times.sort();
  return { p50: times[Math.floor(n * 0.5)] * 1000, p99: times[Math.floor(n * 0.99)] * 1000, cpu };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = [];
for (const p of pairs) {
  const runs = { newest: [], old: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['old', 'newest'] : ['newest', 'old'];
    for (const which of order) {
      await block(p[which], WARMUP);
      runs[which].push(await block(p[which], REQUESTS));
    }
  }
  const sum = (which) => ({ p50: median(runs[which].map((r) => r.p50)), p99: median(runs[which].map((r) => r.p99)), cpu: median(runs[which].map((r) => r.cpu)) });
  const newest = sum('newest'), old = sum('old');
  results.push({ route: p.route, newest, old, ratio: { p50: old.p50 / newest.p50, p99: old.p99 / newest.p99, cpu: old.cpu / newest.cpu } });
}
server.kill('SIGTERM');
agent.destroy();

// In process: the same bundle's request pipeline without sockets (prepareApp's handle), so the
// ratio is the server's own work, free of the loopback and client noise of a busy machine.
const { app, prepareApp, createLogger } = await import(join(APP, 'dist/app.mjs'));
const { handle } = await prepareApp(app, { dev: false, log: createLogger('warn', {}) });
// The same app as if it had no versions: what a client of the newest version pays for versioning.
const { handle: bare } = await prepareApp({ ...app, versions: undefined }, { dev: false, log: createLogger('warn', {}) });
const incoming = (c) => {
  const raw = Buffer.from(c.body ?? '');
  return { method: c.method, url: c.path, headers: { 'x-request-id': 'bench', ...(c.version ? { 'x-api-version': c.version } : {}), ...(c.body ? { 'content-type': 'application/json' } : {}) }, ip: '127.0.0.1', readBody: async () => raw };
};
const inProcess = [];
for (const p of pairs) {
  const runs = { newest: [], old: [], bare: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    for (const which of round % 2 ? ['old', 'bare', 'newest'] : ['newest', 'bare', 'old']) {
      const n = REQUESTS * 20;
      const run = which === 'bare' ? bare : handle;
      const c = which === 'bare' ? p.newest : p[which];
      const t = performance.now();
      for (let i = 0; i < n; i++) await run(incoming(c));
      if (round > 0) runs[which].push(((performance.now() - t) / n) * 1000);
    }
  }
  const newest = median(runs.newest), old = median(runs.old), unversioned = median(runs.bare);
  inProcess.push({ route: p.route, unversioned, newest, old, ratio: old / newest, extra: old - newest });
}

const f = (x) => x.toFixed(1);
console.log(`versions overhead: ${ROUNDS} rounds × ${REQUESTS} sequential keep-alive requests per case; ${cpus().length}× ${cpus()[0]?.model ?? '?'}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; server ${pinned ? 'on core 0' : 'unpinned'}`);
for (const r of results) {
  console.log(`${r.route}`);
  console.log(`  3.0.0 (newest)       p50 ${f(r.newest.p50)} µs  p99 ${f(r.newest.p99)} µs  server CPU ${f(r.newest.cpu)} µs/req`);
  console.log(`  1.0.0 (2 migrations) p50 ${f(r.old.p50)} µs  p99 ${f(r.old.p99)} µs  server CPU ${f(r.old.cpu)} µs/req`);
  console.log(`  ratio 1.0.0/3.0.0    p50 ${r.ratio.p50.toFixed(3)}×  p99 ${r.ratio.p99.toFixed(3)}×  CPU ${r.ratio.cpu.toFixed(3)}×  (target p50 ≤ 1.15×: ${r.ratio.p50 <= 1.15 ? 'PASS' : 'FAIL'})`);
}
console.log(`in process (the pipeline alone, ${REQUESTS * 20} calls per case and round, median of ${ROUNDS}):`);
for (const r of inProcess) console.log(`  ${r.route.padEnd(16)} no versions ${r.unversioned.toFixed(2)} µs  3.0.0 ${r.newest.toFixed(2)} µs  1.0.0 ${r.old.toFixed(2)} µs  (1.0.0 − 3.0.0: +${r.extra.toFixed(2)} µs, ${r.ratio.toFixed(2)}×)`);
mkdirSync(join(REPO, 'bench/.work'), { recursive: true });
writeFileSync(join(REPO, 'bench/.work/versions-overhead.json'), JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, requests: REQUESTS, results, inProcess }, null, 2));
