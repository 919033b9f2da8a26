#!/usr/bin/env node
// Start-up time of `gati start` against `node dist/server.mjs` on the same build, in the same run:
// spawn → first 200 on GET /health (polled every 2 ms), runs interleaved, medians and the ratio.
//
//   node bench/startup.mjs [--rounds 15] [--compare-with <another gati checkout>]
//
// Apps (bench/.work/startup/, each with node_modules/gati a symlink to this checkout, as a folder
// install makes it):
//   payments   fixtures/payments (10 routes, a module, a SQLite effect)
//   app100     the 100-route app of the HTTP benchmark (bench/http/gen-app.mjs) plus a SQLite effect
//              and a module, so that start-up opens the effects database as a real app does
// --compare-with runs that checkout's `bin/gati.mjs start` on the same dist/ too (e.g. the commit
// before a change), as a third column. Targets: gati start ≤ 1.2× node dist/server.mjs; the
// 100-route app up in < 500 ms.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateHttpApp } from './http/gen-app.mjs';
import { REPO, linkGati, paymentsApp } from './payments-app.mjs';

const WORK = join(REPO, 'bench', '.work', 'startup');
const GATI = join(REPO, 'bin', 'gati.mjs');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, 'compare-with': { type: 'string' } } });
const ROUNDS = Number(values.rounds);
const OTHER = values['compare-with'] && join(resolve(values['compare-with']), 'bin', 'gati.mjs');

const EFFECT = `import type { EffectContext, GlobalContext } from 'gati';

export async function run(payload: { orderId: string }, gctx: GlobalContext, ectx: EffectContext) {
  ectx.log.info({ orderId: payload.orderId }, 'audited');
}
`;
const MODULE = `export async function record(id: string): Promise<boolean> {
  return id.length > 0;
}
`;

function prepareApp100() {
  const { dir } = generateHttpApp(join(WORK, 'app100'));
  mkdirSync(join(dir, 'src', 'effects'), { recursive: true });
  writeFileSync(join(dir, 'src', 'effects', 'audit.ts'), EFFECT);
  mkdirSync(join(dir, 'src', 'modules'), { recursive: true });
  writeFileSync(join(dir, 'src', 'modules', 'orders.ts'), MODULE);
  linkGati(dir);
  return dir;
}

function build(dir) {
  const r = spawnSync(process.execPath, [GATI, 'build', dir, '--silent'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gati build ${dir} failed:\n${r.stderr}${r.stdout}`);
}

const freePort = () => new Promise((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => res(port));
  });
});

/** CPU time (user + system) the process has used so far, from /proc/<pid>/stat (Linux); NaN elsewhere. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Wall time to the first 200 and the server's CPU time by then: on a loaded machine the CPU time is the steadier figure. */
async function firstAnswer(command, dir) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd: dir, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200) return { wall: performance.now() - started, cpu: cpuMs(child.pid) };
      } catch {}
      await new Promise((r) => setTimeout(r, 2));
      if (performance.now() - started > 30_000) throw new Error(`${command.join(' ')}: no answer in 30 s: ${stderr}`);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r0 = (x) => Math.round(x);

mkdirSync(WORK, { recursive: true });
const apps = { payments: paymentsApp(join(WORK, 'payments')), app100: prepareApp100() };
for (const dir of Object.values(apps)) build(dir);

console.log(`# start-up: spawn → first 200 on GET /health; ${ROUNDS} rounds, order rotated each round; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}`);
const summary = [];
for (const [name, dir] of Object.entries(apps)) {
  const commands = { 'node dist/server.mjs': ['dist/server.mjs'], 'gati start': [GATI, 'start', '.'], ...(OTHER ? { 'gati start (compared)': [OTHER, 'start', '.'] } : {}) };
  const labels = Object.keys(commands);
  const times = Object.fromEntries(labels.map((l) => [l, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[(i + round) % labels.length];
      times[label].push(await firstAnswer(commands[label], dir));
    }
  }
  const wall = (l) => times[l].map((t) => t.wall);
  const cpu = (l) => times[l].map((t) => t.cpu);
  console.log(`\n## ${name}\n\n| command | median ms | min–max ms | median CPU ms |\n|---|---:|---:|---:|`);
  for (const l of labels) console.log(`| ${l} | ${r0(median(wall(l)))} | ${r0(Math.min(...wall(l)))}–${r0(Math.max(...wall(l)))} | ${r0(median(cpu(l)))} |`);
  for (const l of labels.slice(1)) {
    const ratio = median(wall(l)) / median(wall('node dist/server.mjs'));
    const cpuRatio = median(cpu(l)) / median(cpu('node dist/server.mjs'));
    summary.push(`${name}: ${l} / node dist/server.mjs = ${ratio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU${l === 'gati start' ? ` (target ≤ 1.2×: ${ratio <= 1.2 ? 'PASS' : 'FAIL'})` : ''}`);
  }
  if (name === 'app100') summary.push(`app100: gati start median ${r0(median(wall('gati start')))} ms wall, ${r0(median(cpu('gati start')))} ms CPU (target < 500 ms: ${median(wall('gati start')) < 500 ? 'PASS' : 'FAIL'})`);
}
console.log(`\n${summary.join('\n')}`);
