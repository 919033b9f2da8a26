#!/usr/bin/env node
// Request-log writers (issue 13, item 8): what one per-request JSON line costs the process that
// writes it, with stdout a pipe drained by another process (as under Docker or a log shipper).
// Candidates, all writing the same request line ({level,time,app,reqId,method,route,status,durationMs,msg}):
//   off            Gati's logger at LOG_LEVEL=warn: no line (the loop's own cost, subtracted in the last column)
//   before         Gati's logger before issue 13: object spreads + JSON.stringify + process.stdout.write per line
//   gati           Gati's logger now: concatenated JSON fragments + the buffered LineWriter (one write(2) per 10 ms batch)
//   gati-stdout    the new line builder with the old sink (process.stdout.write per line): the builder's share
//   gati-sonic     the new line builder with sonic-boom (async fs.write, minLength 0) as the sink
//   gati-sonic-4k  the same with sonic-boom's minLength 4096 (buffered)
//   pino           pino 10 with pino.destination({ sync: false }) (sonic-boom): builder and writer both pino's
//   pino-sync      pino 10 with its default destination (sonic-boom, sync)
//
//   npm run build && node bench/log-writer.mjs [--lines N] [--per-turn K] [--rounds R]
//
// Each run is a fresh child process that writes N lines, K per event-loop turn (a loaded server
// answers several requests per turn), flushes, and reports its own CPU time (user + system) and
// wall time; this process drains the pipe. Modes are interleaved per round; medians are printed.
// The figure that matters is CPU µs per line: it is what the line takes from request handling.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODES = ['off', 'before', 'gati', 'gati-stdout', 'gati-sonic', 'gati-sonic-4k', 'pino', 'pino-sync'];
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const LINES = Number(opt('lines', 200_000));
const PER_TURN = Number(opt('per-turn', 4));
const ROUNDS = Number(opt('rounds', 5));

if (argv[0] === '--child') await child(argv[1]);
else await parent();

async function child(mode) {
  const logger = await loggerFor(mode);
  const routes = ['GET /payments/:id', 'POST /payments', 'GET /accounts/:id/balance'];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let i = 0;
  await new Promise((resolve) => {
    const turn = () => {
      for (let n = 0; n < PER_TURN && i < LINES; n++, i++) {
        logger.log.info({ reqId: `6f1c2a9e-${i}`, method: i % 3 === 1 ? 'POST' : 'GET', route: routes[i % 3], status: 200, durationMs: Math.round(i % 1000) / 100 }, 'request');
      }
      if (i < LINES) setImmediate(turn);
      else resolve();
    };
    turn();
  });
  await logger.flush();
  const cpu = process.cpuUsage(cpu0);
  process.stderr.write(`${JSON.stringify({ cpuUs: cpu.user + cpu.system, wallMs: performance.now() - t0 })}\n`);
}

async function loggerFor(mode) {
  const gati = () => import(pathToFileURL(join(ROOT, 'lib/runtime-shim/server/log.js')).href);
  const sonic = async (minLength) => {
    const { default: SonicBoom } = await import('sonic-boom');
    const sink = new SonicBoom({ fd: 1, minLength });
    return { sink, flush: () => new Promise((resolve) => { sink.flush(); sink.end(); sink.once('close', resolve); }) };
  };
  const drained = () => new Promise((resolve) => (process.stdout.writableNeedDrain ? process.stdout.once('drain', resolve) : resolve()));
  switch (mode) {
    case 'off': return { log: (await gati()).createLogger('warn', { app: 'payments' }), flush: () => undefined };
    case 'before': return { log: beforeLogger({ app: 'payments' }), flush: drained };
    case 'gati': {
      const { createLogger } = await gati();
      const { stdoutWriter } = await import(pathToFileURL(join(ROOT, 'lib/runtime-shim/server/stdout-writer.js')).href);
      return { log: createLogger('info', { app: 'payments' }), flush: () => stdoutWriter().flushSync() };
    }
    case 'gati-stdout': return { log: (await gati()).createLogger('info', { app: 'payments' }, process.stdout), flush: drained };
    case 'gati-sonic':
    case 'gati-sonic-4k': {
      const { sink, flush } = await sonic(mode === 'gati-sonic' ? 0 : 4096);
      return { log: (await gati()).createLogger('info', { app: 'payments' }, sink), flush };
    }
    case 'pino':
    case 'pino-sync': {
      const { default: pino } = await import('pino');
      const destination = pino.destination({ sync: mode === 'pino-sync' });
      const log = pino({ base: { app: 'payments' } }, destination);
      return { log, flush: () => new Promise((resolve) => destination.flush(() => resolve())) };
    }
    default: throw new Error(`unknown mode ${mode}`);
  }
}

/** Gati's logger as of c39d002 (runtime-shim/server/log.ts), its line building and sink unchanged. */
function beforeLogger(bindings) {
  return {
    info(obj, msg) {
      const fields = msg !== undefined ? { ...obj, msg } : obj;
      process.stdout.write(`${JSON.stringify({ level: 'info', time: Date.now(), ...bindings, ...fields })}\n`);
    },
  };
}

function runChild(mode) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, '--lines', String(LINES), '--per-turn', String(PER_TURN)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let newlines = 0;
    let err = '';
    p.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      for (let k = chunk.indexOf(10); k !== -1; k = chunk.indexOf(10, k + 1)) newlines++;
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${mode} exited ${code}: ${err}`));
      const report = JSON.parse(err.trim().split('\n').pop());
      if (newlines !== (mode === 'off' ? 0 : LINES)) return reject(new Error(`${mode}: ${newlines} lines arrived, ${LINES} written`));
      resolve({ ...report, bytes });
    });
  });
}

async function parent() {
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  console.log(`# log writers  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpus (${cpus()[0]?.model})  load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`# ${LINES} request lines per run, ${PER_TURN} per event-loop turn, ${ROUNDS} rounds (modes interleaved), stdout a pipe drained by the parent`);
  const runs = Object.fromEntries(MODES.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of [...MODES.slice(round % MODES.length), ...MODES.slice(0, round % MODES.length)]) runs[mode].push(await runChild(mode));
  }
  const off = median(runs.off.map((r) => r.cpuUs)) / LINES;
  const before = median(runs.before.map((r) => r.cpuUs)) / LINES - off;
  console.log(`\n| writer | CPU µs/line (median) | wall µs/line | bytes/line | CPU µs/line beyond 'off' | vs before |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const mode of MODES) {
    const cpu = median(runs[mode].map((r) => r.cpuUs)) / LINES;
    const wall = (median(runs[mode].map((r) => r.wallMs)) * 1000) / LINES;
    console.log(`| ${mode} | ${cpu.toFixed(2)} | ${wall.toFixed(2)} | ${Math.round(runs[mode][0].bytes / LINES)} | ${(cpu - off).toFixed(2)} | ${((cpu - off) / before).toFixed(2)}× |`);
  }
  console.log(`\nload after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
