// The load-test examples of examples/load/ against the real payments app (`gati build` + `gati start`
// on a free port): the autocannon script runs for two seconds and must have sent real requests with
// only the statuses the mix expects (200/201, and 400 for the invalid bodies); the Artillery
// scenario is parsed and every flow of it replayed once (Artillery itself is not a devDependency:
// see examples/load/README.md), each step answering the status its `expect` names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { REPO } from './helpers/paths.js';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer, type RunningApp } from './helpers/server.js';

const run = promisify(execFile);
const LOAD = join(REPO, 'examples', 'load');

let dir = '';
let server: RunningApp;
let base = '';

test.before(async () => {
  dir = copyFixture('payments');
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stdout + built.stderr);
  server = await runServer([GATI_BIN, 'start', '.'], dir);
  base = server.url.replace('0.0.0.0', '127.0.0.1');
});

test.after(async () => {
  await server?.stop('SIGTERM');
  removeDir(dir);
});

test('examples/load/autocannon.mjs: real requests, 2xx for the valid mix and 400 for the invalid bodies, no errors', async () => {
  const { stdout } = await run(process.execPath, [join(LOAD, 'autocannon.mjs'), '--url', base, '--duration', '2', '--connections', '4', '--json'], { cwd: REPO });
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { requests: number; errors: number; timeouts: number; statusCodes: Record<string, number> };
  assert.is(summary.errors, 0);
  assert.is(summary.timeouts, 0);
  assert.ok(summary.requests > 0, `no requests: ${stdout}`);
  assert.equal(Object.keys(summary.statusCodes).sort(), ['200', '201', '400']);
  assert.ok(summary.statusCodes['200']! > 0 && summary.statusCodes['201']! > 0 && summary.statusCodes['400']! > 0, stdout);
  // The mix sends 2 invalid bodies in 6 requests: about a third of the answers are 400s.
  const share = summary.statusCodes['400']! / summary.requests;
  assert.ok(share > 0.2 && share < 0.45, `400 share ${share}`);
});

interface Step { url: string; json?: unknown; capture?: { json: string; as: string }; expect?: { statusCode: number }[] }
interface Scenario { name: string; weight: number; flow: Record<string, Step>[] }

test('examples/load/artillery.yml: a valid scenario whose every step answers the status it expects', async () => {
  const doc = parse(readFileSync(join(LOAD, 'artillery.yml'), 'utf8')) as { config: { target: string; phases: { duration: number; arrivalRate: number }[]; plugins: Record<string, unknown> }; scenarios: Scenario[] };
  assert.match(doc.config.target, /^http:\/\/127\.0\.0\.1:3000$/);
  assert.ok(doc.config.phases.length > 0 && doc.config.phases.every((p) => p.duration > 0 && p.arrivalRate > 0));
  assert.ok('expect' in doc.config.plugins, 'the expect plugin checks the statuses');
  const seen = new Set<number>();
  for (const scenario of doc.scenarios) {
    assert.ok(scenario.weight > 0 && scenario.flow.length > 0, scenario.name);
    const vars: Record<string, string> = {};
    for (const entry of scenario.flow) {
      const [method, step] = Object.entries(entry)[0]!;
      const url = step.url.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => vars[name] ?? `<${name} not captured>`);
      const res = await fetch(base + url, {
        method: method.toUpperCase(),
        headers: step.json === undefined ? {} : { 'content-type': 'application/json' },
        body: step.json === undefined ? undefined : JSON.stringify(step.json),
      });
      const text = await res.text();
      const expected = step.expect?.[0]?.statusCode;
      assert.ok(expected, `${scenario.name}: ${method} ${step.url} has no expected status`);
      assert.is(res.status, expected, `${scenario.name}: ${method} ${url} -> ${res.status} ${text}`);
      seen.add(res.status);
      if (step.capture) {
        assert.is(step.capture.json, '$.id');
        vars[step.capture.as] = (JSON.parse(text) as { id: string }).id;
      }
    }
  }
  assert.equal([...seen].sort(), [200, 201, 400]);
});

test.run();
