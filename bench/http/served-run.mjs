// What floor.mjs and gc-cost.mjs share: one server (a Bun or Deno script) started on core 0, awaited until
// it answers the scenario's request, warmed up with wrk, then one measured wrk run (-c50, on core 1) with
// the server's CPU time over it and everything it printed, so that a caller can read the run's share of it
// (JSC's GC log, for gc-cost.mjs).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './gen-app.mjs';
import { GET_PATH, POST_PATH } from './routes.mjs';
import { cpuTicks, parseWrk, wrk } from './harness.mjs';

export const BODY = readFileSync(join(REPO_ROOT, 'bench', 'http', 'body.json'), 'utf8').trim();
const WORK = join(REPO_ROOT, 'bench', '.work', 'http');
mkdirSync(WORK, { recursive: true });
const POST_LUA = join(WORK, 'post.lua');
writeFileSync(POST_LUA, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(BODY)}\n`);

/**
 * Runs `exe …server.args` (in server.cwd, with server.env, PORT and HOST) for one measured run of
 * `scenario` ('get' | 'post'); resolves with wrk's parsed output, the server's CPU ticks over the run,
 * its output and where the run began in it. Throws on a non-2xx answer or a socket error.
 */
export async function servedRun({ exe, server, scenario, port, warmup, duration, settleMs = 0 }) {
  const path = scenario === 'post' ? POST_PATH : GET_PATH;
  const child = spawn('taskset', ['-c', '0', exe, ...server.args], { cwd: server.cwd, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...server.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    const init = scenario === 'post' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY } : {};
    for (let tries = 0; ; tries++) {
      try {
        const res = await fetch(url, init);
        await res.text();
        if (res.status < 300) break;
        throw new Error(`${server.name} answered ${res.status}`);
      } catch (error) {
        if (tries > 300 || child.exitCode !== null) throw new Error(`${server.name} did not start: ${error}\n${output.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const luaScript = scenario === 'post' ? POST_LUA : undefined;
    await wrk({ connections: 50, seconds: warmup, url, luaScript });
    const mark = output.length;
    const before = cpuTicks(child.pid);
    const out = parseWrk(await wrk({ connections: 50, seconds: duration, url, luaScript }));
    const ticks = cpuTicks(child.pid) - before;
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
    if (out.non2xx || out.socketErrors) throw new Error(`${server.name}: ${out.non2xx} non-2xx, ${out.socketErrors} socket errors`);
    return { out, ticks, output, mark };
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

/** The options floor.mjs and gc-cost.mjs both take (`--scenarios get,post --rounds 5 --duration 3 --warmup 1 --port 3200`), and `opt` for the others. */
export function runOptions(argv) {
  const opt = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? dflt : argv[i + 1];
  };
  const scenarios = opt('scenarios', 'get,post').split(',');
  return { opt, scenarios, rounds: Number(opt('rounds', 5)), duration: Number(opt('duration', 3)), warmup: Number(opt('warmup', 1)), port: Number(opt('port', 3200)) };
}

/**
 * For each scenario, `rounds` rounds over `servers` (order reversed every other round, so that neither
 * end of a round is always the same server), printing `line(name, scenario, result)` per run, then
 * `summary(name, scenario, results)` per server; the load averages before and after each round at the end.
 */
export async function interleavedRounds({ label, servers, scenarios, rounds, duration, measure, line, summary }) {
  const loads = [readFileSync('/proc/loadavg', 'utf8').split(' ')[0]];
  console.log(`${new Date().toISOString()} ${label}: ${servers.map((s) => s.name).join(', ')}; ${rounds} rounds of ${duration} s`);
  for (const scenario of scenarios) {
    const results = Object.fromEntries(servers.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (const server of round % 2 ? [...servers].reverse() : servers) {
        const r = await measure(server, scenario);
        results[server.name].push(r);
        console.log(`round ${round + 1} ${scenario} ${line(server.name, r)}`);
      }
      loads.push(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    }
    for (const server of servers) console.log(`${scenario.toUpperCase()} ${summary(server.name, results[server.name], results)}`);
  }
  console.log(`${new Date().toISOString()} load averages over the run: ${loads.join(' ')}`);
}
