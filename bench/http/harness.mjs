// What the HTTP benchmarks share (run.mjs, logging.mjs, tracing.mjs, control-idle.mjs, dev-loop.mjs): the
// script re-run pinned to core 1, a server's /health awaited, wrk pinned to core 1 and its output parsed,
// a server process's CPU time from /proc, medians.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Re-runs the calling script pinned to core 1 (with wrk; the servers it starts get core 0) and exits
 * with its status; returns at once in the pinned run (GATI_BENCH_PINNED set).
 */
export function reexecPinnedToCore1(script, argv) {
  if (process.env.GATI_BENCH_PINNED) return;
  const r = spawnSync('taskset', ['-c', '1', process.execPath, script, ...argv], { stdio: 'inherit', env: { ...process.env, GATI_BENCH_PINNED: '1' } });
  process.exit(r.status ?? 1);
}

/** Polls GET http://127.0.0.1:<port>/health until it answers 200; throws (with `output()`) when `child` exits or time runs out. */
export async function waitForHealth(port, child, { timeoutMs = 30_000, pollMs = 20, output = () => '' } = {}) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) return;
    } catch {}
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`the server did not start${output() ? `:\n${output()}` : ''}`);
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** utime + stime of `pid` in clock ticks (CLK_TCK = 100), NaN once it has exited. */
export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch { return NaN; }
}

function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
}

export function parseWrk(out) {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  const lat = (p) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, total, p50: lat(50), p99: lat(99), non2xx, socketErrors };
}

/** Runs `wrk -t1 -c<connections> -d<seconds>s --latency [-s luaScript] url` on core 1; resolves with its output. */
export function wrk({ connections, seconds, url, luaScript }) {
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency'];
  if (luaScript) args.push('-s', luaScript);
  args.push(url);
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const killer = setTimeout(() => p.kill('SIGKILL'), (seconds + 30) * 1000); // bounded
    p.on('exit', (code) => {
      clearTimeout(killer);
      if (code !== 0) reject(new Error(`wrk failed (${code}):\n${out}`));
      else resolve(out);
    });
  });
}
