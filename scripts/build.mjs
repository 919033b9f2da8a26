// Compiles the TypeScript sources to lib/ with tsc: one tool that both type-checks (strict) and emits JS + .d.ts;
// then the control panel's app (control-ui/) with esbuild into lib/control-ui.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
rmSync(new URL('../lib', import.meta.url), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The control panel's single-page app (lib/control-ui), built after lib/ was emptied.
const { buildControlUi } = await import('./build-control-ui.mjs');
process.exit((await buildControlUi()) ? 0 : 1);
