// The new app's `allowScripts` (npm 11.16+ lists unreviewed install scripts; npm 12 skips them):
// the template approves the install scripts of gati's own dependencies; this adds gati itself
// when it comes from a folder or a tarball (`file:`), denied. npm counts a non-registry package's
// `prepare` as an install script, and gati's compiles a checkout into lib/: a folder install would
// rebuild the checkout at every `npm install` of the app, and either kind is listed as unreviewed,
// though the package installed already holds lib/. npm matches such a package by the spec as
// written in `dependencies`, so that is the key.
import { readFileSync, writeFileSync } from 'node:fs';

export function denyGatiPrepare(packageJsonPath: string, gatiSpec: string): void {
  if (!gatiSpec.startsWith('file:')) return;
  const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { allowScripts?: Record<string, boolean> };
  pkg.allowScripts = { ...pkg.allowScripts, [gatiSpec]: false };
  writeFileSync(packageJsonPath, `${JSON.stringify(pkg, null, 2)}\n`);
}
