#!/usr/bin/env node
// Infrastructure emit benchmark (issue 7): `node bench/infra.mjs [--runs N]`.
//
// The 500-route synthetic app (bench/gen-app.mjs → bench/.work/app, 25 top-level handler folders) is
// analysed once with the Analyzer, as in bench/analyzer.mjs; its model is saved. Then each run is a
// fresh node process (cold: cdk8s, and aws-cdk-lib for the AWS case, are loaded inside the timing)
// that reads the model and calls emitInfra with split 'domain' and two regions:
//   k8s:  provider 'kubernetes'                      target ≤ 1 s
//   aws:  provider 'aws' (k8s charts + CDK synth,    target ≤ 3 s
//         CloudFormation validation off)
// Reported: median wall time of the emit (module loading included) and its CPU time (user + sys, steadier
// on a shared machine), all runs, files, objects, bytes.
// Uses lib/ (run `npm run build` first). Node built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_APP_DIR, GENERATOR_VERSION, MANIFEST, REPO_ROOT, generateApp } from './gen-app.mjs';

const SELF = fileURLToPath(import.meta.url);
const APP = DEFAULT_APP_DIR;
const LIB = join(REPO_ROOT, 'lib');
const MODEL = join(REPO_ROOT, 'bench', '.work', 'infra-model.json');
const TARGETS = { k8s: 1000, aws: 3000 };
const argv = process.argv.slice(2);
const RUNS = argv.includes('--runs') ? Number(argv[argv.indexOf('--runs') + 1]) : 5;

const CONFIGS = {
  k8s: { prod: { provider: 'kubernetes', regions: ['eu-west', 'us-east'], domain: 'api.example.com', split: 'domain', tls: { email: 'ops@example.com' } } },
  aws: { prod: { provider: 'aws', regions: ['us-east-1', 'eu-west-1'], domain: 'api.example.com', split: 'domain', aws: { hostedZoneId: 'Z0123456789ABCDEFGHIJ' } } },
};

async function child(kind) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { emitInfra } = await import(pathToFileURL(join(LIB, 'emitters', 'infra', 'index.js')).href);
  const model = JSON.parse(readFileSync(MODEL, 'utf8'));
  const config = { server: { shutdownTimeoutMs: 10000 }, modules: { scorer: { image: 'ghcr.io/acme/scorer:1', port: 8080 } }, deploy: CONFIGS[kind] };
  const t1 = performance.now();
  const artifacts = emitInfra(model, config, [{ path: '.gati/model.json', contents: JSON.stringify(model) }], { aws: { validate: false } });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const yaml = artifacts.filter((a) => a.path.endsWith('.yaml')).map((a) => String(a.contents)).join('\n');
  console.log(JSON.stringify({
    importMs: t1 - t0,
    emitMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    files: artifacts.length,
    objects: (yaml.match(/^kind: /gm) ?? []).length,
    bytes: artifacts.reduce((n, a) => n + Buffer.byteLength(a.contents), 0),
    rssMb: process.memoryUsage().rss / 2 ** 20,
  }));
}

async function parent() {
  if (!existsSync(join(LIB, 'emitters', 'infra', 'index.js'))) throw new Error('lib/ is missing or old: run `npm run build` first');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(APP, MANIFEST), 'utf8'));
  } catch {}
  if (!manifest || manifest.generatorVersion !== GENERATOR_VERSION) {
    console.log(`generating the synthetic app in ${APP} ...`);
    generateApp(APP);
  }
  const { Analyzer } = await import(pathToFileURL(join(LIB, 'compiler', 'analyze', 'analyzer.js')).href);
  const analysis = new Analyzer({ root: APP }).analyze();
  if (analysis.diagnostics.length) throw new Error(`the synthetic app has ${analysis.diagnostics.length} diagnostics`);
  mkdirSync(join(REPO_ROOT, 'bench', '.work'), { recursive: true });
  writeFileSync(MODEL, JSON.stringify(analysis.model));
  const folders = new Set(analysis.model.routes.map((r) => r.file.split('/')[2]));
  console.log(`model: ${analysis.model.routes.length} routes in ${folders.size} top-level folders, ${analysis.model.modules.length} modules, ${analysis.model.effects.length} effects`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results = {};
  for (const kind of ['k8s', 'aws']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      const r = spawnSync(process.execPath, [SELF, '--child', kind], { encoding: 'utf8', env: { ...process.env, CDK_VALIDATION: 'false' } });
      if (r.status !== 0) throw new Error(`${kind} run failed:\n${r.stderr}`);
      runs.push({ ...JSON.parse(r.stdout.trim().split('\n').pop()), processMs: performance.now() - s });
    }
    const sorted = [...runs].sort((a, b) => a.totalMs - b.totalMs);
    const med = sorted[sorted.length >> 1];
    results[kind] = { median: med, min: sorted[0].totalMs, max: sorted.at(-1).totalMs, runs: runs.map((r) => Math.round(r.totalMs)) };
    console.log(`${kind}: median ${Math.round(med.totalMs)} ms (import ${Math.round(med.importMs)} + emit ${Math.round(med.emitMs)}; CPU ${Math.round(med.cpuMs)} ms; process ${Math.round(med.processMs)} ms) [${results[kind].runs.join(', ')}]; ${med.files} files, ${med.objects} k8s objects, ${(med.bytes / 1024).toFixed(0)} KiB, RSS ${Math.round(med.rssMb)} MB; target ≤ ${TARGETS[kind]} ms: ${med.totalMs <= TARGETS[kind] ? 'PASS' : 'FAIL'}`);
  }
  console.log(`BENCH_INFRA_JSON ${JSON.stringify({ date: new Date().toISOString(), results })}`);
}

if (argv[0] === '--child') await child(argv[1]);
else await parent();
