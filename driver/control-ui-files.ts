// The control panel's prebuilt single-page app (lib/control-ui: index.html and assets/, built by
// scripts/build-control-ui.mjs) goes beside the server bundle as dist/control-ui, so that a deployed
// app (or its image) serves the panel without Gati's package. Replaced whole on each build.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the package keeps the built app: lib/control-ui, beside lib/driver. */
export const CONTROL_UI_SOURCE = fileURLToPath(new URL('../control-ui', import.meta.url));
export const CONTROL_UI_DIST = 'dist/control-ui';

/** Copies the built panel into `<root>/dist/control-ui`; false when the package has none (a source checkout not built). */
export function copyControlUi(root: string, source = CONTROL_UI_SOURCE): boolean {
  if (!existsSync(join(source, 'index.html'))) return false;
  const target = join(root, CONTROL_UI_DIST);
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  return true;
}
