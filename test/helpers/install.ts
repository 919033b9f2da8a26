// Apps installed the ways users install Gati, in a temp folder outside the repository (so that no
// node_modules above them helps): a folder install or `npm link` (node_modules/gati is a symlink to
// the checkout and nothing else is there), and pnpm's isolated layout (node_modules/gati links to
// node_modules/.pnpm/gati@<v>/node_modules/gati, a copy of the package's files whose dependencies
// are its siblings). Both start from fixtures/payments, whose effects use SQLite.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO, fixture } from './paths.js';

let packed: string[] | undefined;

/**
 * The files `npm pack` puts in the gati package (scripts off: `prepare` would rebuild lib/ under the
 * running tests). Asked once per test process: the package does not change during a run.
 */
export function packedFiles(): string[] {
  if (!packed) {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    packed = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  }
  return [...packed];
}

/** fixtures/payments as a user's app: no build outputs, and a tsconfig without the repository's path mapping. */
function copyPayments(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gati-install-'));
  cpSync(fixture('payments'), dir, { recursive: true, filter: (src) => !/[/\\](dist|node_modules|expected|sdk)([/\\]|$)|\.gati[/\\](cache|data)/.test(src) });
  const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  delete tsconfig.compilerOptions.paths;
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  mkdirSync(join(dir, 'node_modules'));
  return dir;
}

/** `npm i <path-to-gati>` / `npm link gati`: node_modules holds a symlink to the checkout and nothing else. */
export function symlinkedApp(): string {
  const dir = copyPayments();
  symlinkSync(REPO, join(dir, 'node_modules', 'gati'), 'dir');
  return dir;
}

/**
 * pnpm's layout, built by hand: the packed files of gati copied into .pnpm/gati@<v>/node_modules/gati,
 * each of gati's dependencies a symlink beside it, and node_modules/gati a symlink to that copy.
 * The app's node_modules has nothing else, so only resolution from gati's real folder finds them.
 */
export function pnpmApp(): string {
  const dir = copyPayments();
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const store = join(dir, 'node_modules', '.pnpm', `gati@${pkg.version}`, 'node_modules');
  for (const file of packedFiles()) {
    mkdirSync(dirname(join(store, 'gati', file)), { recursive: true });
    cpSync(join(REPO, file), join(store, 'gati', file));
  }
  for (const dep of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(store, dep)), { recursive: true });
    symlinkSync(join(REPO, 'node_modules', dep), join(store, dep), 'dir');
  }
  symlinkSync(join(store, 'gati'), join(dir, 'node_modules', 'gati'), 'dir');
  return dir;
}

/** The app's own gati CLI (what `npx gati` runs). */
export const appGati = (dir: string) => join(dir, 'node_modules', 'gati', 'bin', 'gati.mjs');

/**
 * The payments flow that needs Gati's runtime dependencies: create a payment, capture it (the
 * handler enqueues capturePayment in the SQLite backend), and wait for the effect to settle it.
 */
export async function capturePayment(baseUrl: string): Promise<{ created: number; capture: number; status: string }> {
  const post = (path: string, body: unknown) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const created = await post('/payments', { amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com', method: { type: 'upi', vpa: 'asha@okbank' }, items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }] });
  const { id } = (await created.json()) as { id: string };
  const capture = await post(`/payments/${id}/capture`, { amount: 2500, currency: 'USD' });
  let status = '';
  for (let i = 0; i < 100 && status !== 'captured'; i++) {
    status = ((await (await fetch(`${baseUrl}/payments/${id}`)).json()) as { status: string }).status;
    if (status !== 'captured') await new Promise((r) => setTimeout(r, 50));
  }
  return { created: created.status, capture: capture.status, status };
}
