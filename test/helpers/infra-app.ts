// The infrastructure test app: fixtures/payments with the deploy config of fixtures/payments-infra
// (which holds only that config and the golden files), assembled in a temp folder.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { fixture } from './paths.js';
import { parseK8sYaml, type K8sObject } from './k8s-validate.js';
import { buildApp, type BuildResult } from '../../driver/build.js';

export function infraApp(): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'gati-infra-'));
  for (const part of ['src', 'package.json', 'tsconfig.json']) cpSync(fixture('payments', part), join(root, part), { recursive: true });
  cpSync(fixture('payments-infra', 'gati.config.ts'), join(root, 'gati.config.ts'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

let shared: Promise<{ root: string; build: BuildResult }> | undefined;

/**
 * infraApp() built by buildApp with every default, once per test process (a build synthesizes
 * every environment's infrastructure: seconds). Its callers only read the folder and the result;
 * a test that edits the app or builds it again on disk takes its own infraApp().
 */
export function builtInfraApp(): Promise<{ root: string; build: BuildResult }> {
  shared ??= (async () => {
    const app = infraApp();
    process.once('exit', () => app.remove());
    return { root: app.root, build: await buildApp(app.root) };
  })();
  return shared;
}

/** Reads a build's artifacts by path (the build is set by the test's `before`, hence the getter). */
export function artifactReader(artifacts: () => { path: string; contents: string | Uint8Array }[]): { text(path: string): string; objects(path: string): K8sObject[] } {
  const text = (path: string) => {
    const a = artifacts().find((x) => x.path === path);
    assert.ok(a, `artifact ${path}`);
    return String(a!.contents);
  };
  return { text, objects: (path) => parseK8sYaml(text(path)) };
}
