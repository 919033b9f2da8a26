// The client emitter: .gati/generated/client.ts and sdk/<app>-<semver>.tgz, an npm package named
// `<app>-client` (or config `sdk.packageName`) whose version is the API's semver.
import type { AppModel } from '../../model/app-model.js';
import type { Artifact } from '../artifact.js';
import { assembleSource, clientParts } from './client-source.js';
import { compileClient } from './compile.js';
import { packageFiles } from './package-files.js';
import { tarGz } from './tarball.js';

export { methodNames, operationId } from './names.js';

export interface ClientEmitOptions {
  /** npm name (default `<app>-client`). */
  packageName?: string;
  /**
   * The API semver. Undefined until the app has versions (.gati/versions): the package is then
   * 0.0.0 and the client pins no version.
   */
  apiVersion?: string;
  /** Where the tarball goes: `sdk` (default), or `.gati/cache/sdk` for a version not recorded yet. */
  sdkDir?: string;
}

export const UNVERSIONED = '0.0.0';

export function emit(model: AppModel, options: ClientEmitOptions = {}): Artifact[] {
  const packageName = options.packageName ?? `${model.app.name}-client`;
  const version = options.apiVersion ?? UNVERSIONED;
  const parts = clientParts(model, { packageName, apiVersion: options.apiVersion });
  const source = assembleSource(parts);
  const files = packageFiles(model, packageName, version, compileClient(parts));
  // docs/client.md names the file after the app, whatever the package is called.
  const file = `${model.app.name}-${version}.tgz`;
  return [
    { path: '.gati/generated/client.ts', contents: source },
    { path: `${options.sdkDir ?? 'sdk'}/${file}`, contents: tarGz(files) },
  ];
}
