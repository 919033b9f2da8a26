// The client SDK as a frontend gets it: the tarball is installed with npm into a fresh project,
// a consumer is compiled with tsc --strict (type errors included) and run against a server that
// answers like Gati. The tarball itself is checked for layout and byte-for-byte reproducibility.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildApp } from '../driver/build.js';
import type { AppModel } from '../model/app-model.js';
import { emit as emitClient } from '../emitters/client/index.js';
import { REPO, fixture } from './helpers/paths.js';
// The server the consumer talks to. Swap this one line for the real Gati server when it lands:
import { startPaymentsServer as startServer } from './helpers/payments-server.js';
import { tsc } from './helpers/tsc.js';

const sdk = suite('client SDK');
let model: AppModel;
let dir: string;
let tarball: Uint8Array;
const VERSION = '1.2.0';

sdk.before(async () => {
  model = (await buildApp(fixture('payments'))).model;
  tarball = emitClient(model, { packageName: 'payments-client', apiVersion: VERSION }).find((a) => a.path.endsWith('.tgz'))!.contents as Uint8Array;
  dir = mkdtempSync(join(tmpdir(), 'gati-sdk-'));
});
sdk.after(() => rmSync(dir, { recursive: true, force: true }));

/** Parses a ustar archive: path, mode, mtime and contents of each entry. */
function untar(gz: Uint8Array): { path: string; mtime: number; mode: string; data: Buffer }[] {
  const tar = gunzipSync(gz);
  const entries = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const field = (o: number, n: number) => tar.subarray(at + o, at + o + n).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12), 8);
    const prefix = field(345, 155);
    entries.push({ path: (prefix ? `${prefix}/` : '') + field(0, 100), mtime: parseInt(field(136, 12), 8), mode: field(100, 8), data: tar.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

sdk('the tarball is an npm pack layout: package/ prefix, sorted, fixed mtime, a package.json with exports and types, no dependencies', () => {
  const entries = untar(tarball);
  assert.equal(entries.map((e) => e.path), ['package/README.md', 'package/index.d.ts', 'package/index.js', 'package/package.json']);
  assert.ok(entries.every((e) => e.mtime === 499162500 && e.mode === '0000644'));
  const pkg = JSON.parse(entries.find((e) => e.path === 'package/package.json')!.data.toString()) as Record<string, unknown>;
  assert.is(pkg.name, 'payments-client');
  assert.is(pkg.version, VERSION);
  assert.is(pkg.type, 'module');
  assert.is(pkg.types, './index.d.ts');
  assert.equal(pkg.exports, { '.': { types: './index.d.ts', default: './index.js' }, './package.json': './package.json' });
  assert.is(pkg.dependencies, undefined);
  // The system tar reads it too (checksums and headers are right).
  writeFileSync(join(dir, 'check.tgz'), tarball);
  assert.is(execFileSync('tar', ['tzf', join(dir, 'check.tgz')], { encoding: 'utf8' }).trim().split('\n').length, 4);
});

sdk('the tarball is reproducible byte for byte, and its name and version follow the API semver', () => {
  const again = emitClient(JSON.parse(JSON.stringify(model)) as AppModel, { packageName: 'payments-client', apiVersion: VERSION });
  assert.ok(Buffer.from(again.find((a) => a.path.endsWith('.tgz'))!.contents).equals(Buffer.from(tarball)));
  assert.equal(again.map((a) => a.path), ['.gati/generated/client.ts', `sdk/payments-${VERSION}.tgz`]);
  const unversioned = emitClient(model);
  assert.equal(unversioned.map((a) => a.path), ['.gati/generated/client.ts', 'sdk/payments-0.0.0.tgz']);
  assert.match(String(unversioned[0]!.contents), 'export const API_VERSION: string | undefined = undefined;');
  const renamed = untar(emitClient(model, { packageName: '@acme/pay' })[1]!.contents as Uint8Array);
  assert.match(renamed.find((e) => e.path === 'package/package.json')!.data.toString(), '"name": "@acme/pay"');
});

sdk('a consumer installs the tarball with npm, type-checks under --strict with the expected errors, and runs against the server', async () => {
  const consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const tgz = join(dir, `payments-${VERSION}.tgz`);
  writeFileSync(tgz, tarball);
  const npm = spawnSync('npm', ['install', tgz, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, encoding: 'utf8' });
  assert.is(npm.status, 0, npm.stderr);
  const source = readFileSync(fixture('client-consumer', 'consumer.ts'), 'utf8');
  writeFileSync(join(consumer, 'consumer.ts'), source);
  const tsconfig = { compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], outDir: 'out' }, files: ['consumer.ts'] };
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
  const compiled = tsc('.', { cwd: consumer });
  assert.is(compiled.status, 0, `the consumer (with its @ts-expect-error lines) must compile:\n${compiled.stdout}`);

  // Without the markers, each marked line is an error, and nothing else is.
  const marked = source.split('\n').flatMap((line, i) => (line.trim().startsWith('// @ts-expect-error') ? [i + 2] : []));
  writeFileSync(join(consumer, 'consumer.ts'), source.replace(/\/\/ @ts-expect-error.*$/gm, '//'));
  const broken = tsc('.', { cwd: consumer, noEmit: true });
  const lines = [...new Set([...broken.stdout.matchAll(/consumer\.ts\((\d+),/g)].map((m) => Number(m[1])))];
  assert.equal(lines, marked, broken.stdout);
  assert.ok(marked.length >= 10);

  const server = await startServer();
  try {
    // Asynchronously: the server answers from this process's event loop.
    const run = await promisify(execFile)(process.execPath, [join(consumer, 'out/consumer.js')], { cwd: consumer, encoding: 'utf8', env: { ...process.env, BASE_URL: server.url } });
    const out = JSON.parse(run.stdout) as Record<string, any>;
    assert.equal(out.created, { status: 201, id: 'pay_1', createdAt: '1970-01-01T00:00:00.000Z', location: '/payments/pay_1' });
    assert.equal(out.got, { status: 200, status2: 'pending' });
    assert.is(out.missing, 'NotFound', 'a declared 404 is a result, not an error');
    assert.is(out.captured, 'capturing');
    assert.is(out.listTotal, 2);
    assert.equal(out.deleted, { status: 204, data: null });
    assert.is(out.receipt, 'acc_demo/2025/pay 1');
    assert.equal(out.health, { ok: true });
    assert.equal(out.invalid, { status: 400, title: 'Invalid request', errors: [{ path: '/body/amount', message: 'must be number' }], route: 'POST /payments' });
    assert.equal(out.boom, { status: 500, title: 'Internal Server Error', route: 'DELETE /payments/:id' });
    assert.equal(out.timeout, { name: 'TimeoutError' });
    assert.equal(out.aborted, { name: 'AbortError' });

    const first = server.seen[0]!;
    assert.is(first.headers['x-api-version'], VERSION, 'pinned to the version it was generated from');
    assert.is(first.headers.authorization, 'Bearer secret');
    assert.is(first.headers['x-trace'], 't1');
    assert.is(first.headers['idempotency-key'], 'k1');
    assert.is(first.headers['content-type'], 'application/json');
    const urls = server.seen.map((s) => `${s.method} ${s.url}`);
    assert.ok(urls.includes('GET /payments?status=captured&status=failed&limit=5'), urls.join('\n'));
    assert.ok(urls.includes('DELETE /payments/pay_a%2Fb%20c'), urls.join('\n'));
    assert.ok(urls.includes('GET /receipts/acc_demo/2025/pay%201'), urls.join('\n'));
    assert.is(server.seen.at(-1)!.headers['x-api-version'], undefined, 'version: false sends no header');
  } finally {
    await server.close();
  }
});

sdk('client.ts type-checks with no platform lib, with lib dom, and with @types/node, under the strictest options', () => {
  const source = emitClient(model, { apiVersion: VERSION })[0]!.contents as string;
  const project = join(dir, 'strictest');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'client.ts'), source);
  const typeRoots = join(REPO, 'node_modules/@types');
  for (const [lib, types] of [[['ES2020'], []], [['ES2022', 'DOM'], []], [['ES2022'], ['node']]] as const) {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib, types, typeRoots: [typeRoots], exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noImplicitOverride: true, isolatedDeclarations: true, declaration: true },
      files: ['client.ts'],
    }));
    const r = tsc(project);
    assert.is(r.status, 0, `lib ${lib.join('+')}, types [${types.join(', ')}]:\n${r.stdout}`);
  }
});

sdk.run();
