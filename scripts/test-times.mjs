// Measures each compiled test file alone (`uvu lib/test '^<name>\.test\.js$'`, one after another)
// and writes the wall times to scripts/test-times.json, which scripts/test.mjs uses to balance its
// parallel processes. Run after a build, on a machine as quiet as you can get:
//
//   node scripts/build.mjs && node scripts/test-times.mjs [pattern]
//
// With a pattern, only the matching files are measured again; the others keep their figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'scripts/test-times.json');
const pattern = new RegExp(process.argv[2] ?? '\\.test\\.js$');
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')).seconds : {};
const seconds = { ...previous };
const files = readdirSync(join(root, 'lib/test')).filter((f) => f.endsWith('.test.js') && pattern.test(f)).sort();
for (const file of files) {
  const name = file.replace(/\.test\.js$/, '');
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [join(root, 'node_modules/uvu/bin.js'), 'lib/test', `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.test\\.js$`], { cwd: root, stdio: 'ignore' });
  seconds[name] = Math.round(Number(process.hrtime.bigint() - started) / 1e8) / 10;
  console.log(`${name}\t${seconds[name]} s${run.status === 0 ? '' : `\t(exit ${run.status})`}`);
}
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(out, `${JSON.stringify({ how: 'node scripts/test-times.mjs: each file alone, wall seconds', seconds: sorted }, null, 1)}\n`);
