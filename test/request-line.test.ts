// The request line (runtime-shim/server/request-line.ts) is encoded two ways: byte by byte into the
// stdout writer's buffer, and as a string for any other sink (and for what the byte path refuses).
// Both must write the same line, field for field and byte for byte (but the clock), whatever the
// route, bindings, request id, status and duration hold; and lines written both ways stay in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, logRequest } from '../runtime-shim/server/log.js';
import { LineWriter } from '../runtime-shim/server/line-writer.js';
import { removeDir } from './helpers/server.js';

type Args = [reqId: string, method: string, route: string, status: number, durationMs: number];

const CASES: Args[] = [
  ['d1684337-1', 'GET', 'GET /users/:userId/orders/:orderId', 200, 0.123456],
  ['d1684337-2', 'POST', 'POST /users/:userId/orders', 201, 1.5],
  ['d1684337-3', 'POST', 'POST /users/:userId/orders', 201, 0],
  ['abc', 'GET', 'GET /users/:userId/orders/:orderId', 404, 12.04],
  ['abc', 'HEAD', 'GET /users/:userId/orders/:orderId', 200, 0.004],
  ['abc', 'GET', 'GET /users/:userId/orders/:orderId', 200, 0.005],
  ['abc', 'GET', '/caf\u00e9/\u6771\u4eac', 404, 1234567.891],
  ['abc', 'GET', '/"quoted"\\back\nline', 404, 99.999],
  ['id-\u00e9', 'GET', '/x', 200, 3.1],
  ['abc', 'GET', '/x', 200, -1],
  ['abc', 'GET', '/x', 200, Number.NaN],
  ['abc', 'GET', '/x', 200, 1e20],
  ['abc', 'GET', '/x', 599.5, 1],
];

/** The lines written for CASES through `sink`, with each line's time replaced (the clock moves between the two runs). */
function linesThrough(sink: 'writer' | 'strings'): string[] {
  const bindings = { app: 'caf\u00e9', n: 1 };
  if (sink === 'strings') {
    const lines: string[] = [];
    const log = createLogger('info', bindings, { write: (line) => lines.push(line) });
    for (const args of CASES) logRequest(log, ...args);
    return lines.join('').split('\n').slice(0, -1).map(withoutTime);
  }
  const dir = mkdtempSync(join(tmpdir(), 'gati-request-line-'));
  try {
    const file = join(dir, 'lines');
    const fd = openSync(file, 'w');
    const writer = new LineWriter(fd);
    const log = createLogger('info', bindings, writer);
    for (const args of CASES) logRequest(log, ...args);
    writer.flushSync();
    closeSync(fd);
    return readFileSync(file, 'utf8').split('\n').slice(0, -1).map(withoutTime);
  } finally {
    removeDir(dir);
  }
}

const withoutTime = (line: string) => line.replace(/^\{"level":"info","time":\d+,/, '{"level":"info","time":0,');

test('the stdout writer gets the same request lines, byte for byte, as any other sink', () => {
  const direct = linesThrough('writer');
  const strings = linesThrough('strings');
  assert.is(direct.length, CASES.length);
  assert.equal(direct, strings);
});

test('the request line: its fields in order, the duration rounded to 0.01 ms, JSON whatever the route holds', () => {
  const lines = linesThrough('writer').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(Object.keys(lines[0]!), ['level', 'time', 'app', 'n', 'reqId', 'method', 'route', 'status', 'durationMs', 'msg']);
  assert.equal(lines.map((l) => l.durationMs), [0.12, 1.5, 0, 12.04, 0, 0.01, 1234567.89, 100, 3.1, -1, null, 1e20, 1]);
  assert.equal(lines.map((l) => l.route), CASES.map(([, , route]) => route));
  assert.equal(lines.map((l) => l.reqId), CASES.map(([reqId]) => reqId));
  assert.is(lines[12]!.status, 599.5);
  assert.is(lines[0]!.app, 'caf\u00e9');
});

test('a writer full of request lines writes them out whole and in order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gati-request-line-'));
  try {
    const file = join(dir, 'lines');
    const fd = openSync(file, 'w');
    const writer = new LineWriter(fd);
    const log = createLogger('info', { app: 'x' }, writer);
    // Past the 64 KiB buffer several times, interleaved with lines that take the string path.
    for (let i = 0; i < 3000; i++) logRequest(log, i % 100 === 0 ? `\u00e9-${i}` : `id-${i}`, 'GET', '/r', 200, i / 7);
    writer.flushSync();
    closeSync(fd);
    const ids = readFileSync(file, 'utf8').split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { reqId: string }).reqId);
    assert.equal(ids, Array.from({ length: 3000 }, (_, i) => (i % 100 === 0 ? `\u00e9-${i}` : `id-${i}`)));
  } finally {
    removeDir(dir);
  }
});

test.run();
