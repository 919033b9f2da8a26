// The buffered stdout writer of the request logs (runtime-shim/server/line-writer.ts) on a real pipe
// read by a slow reader: every line arrives once, whole and in order — lines longer than a pipe's
// atomic size too, and with two cluster workers sharing the pipe — and whatever is
// still buffered is written when the process exits: process.exit(), an uncaught exception, an
// unhandled rejection, on Node, Bun and Deno.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './helpers/paths.js';
import { ENGINES, removeDir, type Engine } from './helpers/server.js';

const WRITER = pathToFileURL(join(REPO, 'lib/runtime-shim/server/stdout-writer.js')).href;
const NODE = ENGINES[0]!;

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `source` (an ES module) on `engine` with stdout on a pipe this process reads `slowly` (pausing after every chunk). */
function runScript(source: string, engine: Engine = NODE, slowly = true): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'gati-log-writer-'));
  const file = join(dir, 'script.mjs');
  writeFileSync(file, source);
  return new Promise((resolve) => {
    const child = spawn(engine.executable, [...engine.args, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (!slowly) return;
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      removeDir(dir);
      resolve({ code, stdout: Buffer.concat(chunks).toString(), stderr });
    });
  });
}

/** The JSON lines of `stdout` (every line must parse: a line cut or interleaved fails here). */
function jsonLines(stdout: string): { w: string; i: number; pad?: string }[] {
  assert.ok(stdout.endsWith('\n'), 'the output ends with a whole line');
  return stdout.slice(0, -1).split('\n').map((line) => {
    try {
      return JSON.parse(line) as { w: string; i: number };
    } catch {
      throw new assert.Assertion({ message: `not a whole JSON line: ${line.slice(0, 200)}…`, operator: 'json', expects: 'JSON', actual: line.slice(0, 200) });
    }
  });
}

function assertAllInOrder(lines: { w: string; i: number }[], writer: string, count: number): void {
  const seen = lines.filter((l) => l.w === writer).map((l) => l.i);
  assert.is(seen.length, count, `${writer}: every line once`);
  assert.ok(seen.every((i, n) => i === n), `${writer}: in order`);
}

// Bursts within one turn, bursts past the writer's buffer, lines across turns, and lines of 10 kB
// (past PIPE_BUF, so written in several pieces when the pipe is full; such a line may interleave
// with another process's writes, so the shared-pipe test has none). `writer`: a JS expression.
const WRITE_MANY = (writer: string, count: number, longLines = true, whenDone = '') => `
const out = stdoutWriter();
const pad = 'x'.repeat(200);
const long = 'y'.repeat(10_000);
let i = 0;
function burst(size) {
  for (let n = 0; n < size && i < ${count}; n++, i++) out.write(JSON.stringify({ w: ${writer}, i, pad: ${longLines ? 'i % 97 === 0 ? long : pad' : 'pad'} }) + '\\n');
  if (i < ${count}) setImmediate(() => burst(size === 7 ? 900 : 7));
  else { ${whenDone} }
}
burst(7);
`;
const IMPORT_WRITER = `import { stdoutWriter } from ${JSON.stringify(WRITER)};`;

test('a slow pipe: every line arrives once, whole and in order (long lines too)', async () => {
  const run = await runScript(IMPORT_WRITER + WRITE_MANY("'a'", 20_000));
  assert.is(run.code, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  assertAllInOrder(lines, 'a', 20_000);
  assert.is(lines.filter((l) => l.pad?.length === 10_000).length, Math.ceil(20_000 / 97), 'the long lines are whole');
});

test('two cluster workers sharing one slow pipe: lines never interleave', async () => {
  const run = await runScript(`${IMPORT_WRITER}
import cluster from 'node:cluster';
if (cluster.isPrimary) {
  let open = 2;
  for (const name of ['p', 'q']) cluster.fork({ WRITER_NAME: name }).on('exit', () => --open || process.exit(0));
} else {
  ${WRITE_MANY('process.env.WRITER_NAME', 8000, false, 'process.disconnect();')}
}
`);
  assert.is(run.code, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  assertAllInOrder(lines, 'p', 8000);
  assertAllInOrder(lines, 'q', 8000);
});

const EXITS: Record<string, string> = {
  'process.exit()': 'process.exit(3)',
  'an uncaught exception': "throw new Error('crash')",
  'an unhandled rejection': "void Promise.reject(new Error('crash'))",
};

for (const engine of ENGINES) {
  for (const [how, code] of Object.entries(EXITS)) {
    test(`[${engine.name}] the lines still buffered are written at ${how}`, async () => {
      const run = await runScript(`
import { stdoutWriter } from ${JSON.stringify(WRITER)};
const out = stdoutWriter();
// In a callback, as in a request: the lines are still buffered when the process ends.
setTimeout(() => {
  for (let i = 0; i < 500; i++) out.write(JSON.stringify({ w: 'e', i }) + '\\n');
  ${code};
});
`, engine, false);
      assert.is.not(run.code, 0);
      assertAllInOrder(jsonLines(run.stdout), 'e', 500);
    });
  }
}

test.run();
