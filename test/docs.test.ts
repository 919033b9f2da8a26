// The user guide stays true to the code: every doc page is linked from the README, links resolve,
// every CLI command and option and every config key is documented, and no tracked file points at
// a path outside the repository (readers of the package or the repository cannot follow it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO } from './helpers/paths.js';
import { CONFIG_SCHEMA } from '../compiler/config/config-schema.js';

const read = (path: string) => readFileSync(join(REPO, path), 'utf8');
const docPages = readdirSync(join(REPO, 'docs')).filter((name) => name.endsWith('.md')).sort();

test('no tracked file points outside the repository', () => {
  // Built from pieces so that this file does not match itself.
  const outside = ['..' + '/shared/', '/wo' + 'rk/'];
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  assert.ok(files.length > 100, 'git ls-files lists the repository');
  const offenders: string[] = [];
  for (const file of files) {
    if (file.split('/').includes('node_modules') || !existsSync(join(REPO, file))) continue;
    const lines = readFileSync(join(REPO, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (outside.some((needle) => line.includes(needle))) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  assert.equal(offenders, [], `restate the fact inline or point inside the repository:\n${offenders.join('\n')}`);
});

test('the README links every page of docs/', () => {
  const readme = read('README.md');
  for (const page of docPages) assert.ok(readme.includes(`(docs/${page}`), `README.md links docs/${page}`);
  for (const page of ['getting-started.md', 'handlers.md', 'types.md', 'middleware.md', 'modules.md', 'effects.md', 'versions.md', 'client.md', 'deploy.md', 'cli.md', 'configuration.md', 'architecture.md', 'observability.md']) {
    assert.ok(docPages.includes(page), `docs/${page} exists`);
  }
});

test('relative links in README.md and docs/ resolve to files', () => {
  const broken: string[] = [];
  for (const file of ['README.md', ...docPages.map((page) => `docs/${page}`)]) {
    for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
      const path = target!.split('#')[0]!;
      if (!existsSync(join(REPO, dirname(file), path))) broken.push(`${file} → ${target}`);
    }
  }
  assert.equal(broken, []);
});

test('docs/cli.md documents every command and option of bin/gati.ts', () => {
  const cli = read('docs/cli.md');
  const source = read('bin/gati.ts');
  const table = /const COMMANDS = \{([\s\S]*?)\n\} satisfies/.exec(source)?.[1] ?? '';
  const commands = [...table.matchAll(/^ {2}'?([a-z-]+)'?: async/gm)].map((m) => m[1]!);
  assert.ok(commands.includes('init') && commands.includes('build'), `found the commands: ${commands.join(', ')}`);
  for (const command of commands) assert.match(cli, `gati ${command}`, `docs/cli.md documents 'gati ${command}'`);
  const optionsBlock = /options: \{([\s\S]*?)\n\s*\},/.exec(source)?.[1] ?? '';
  const options = [...optionsBlock.matchAll(/^\s+'?([a-z-]+)'?: \{ type/gm)].map((m) => m[1]!);
  assert.ok(options.length >= 10, `found the options: ${options.join(', ')}`);
  for (const option of options) assert.match(cli, `--${option}`, `docs/cli.md documents --${option}`);
});

test('docs/configuration.md documents every config key', () => {
  const doc = read('docs/configuration.md');
  const missing = configKeys(CONFIG_SCHEMA as Schema, '').filter((key) => !doc.includes(`\`${key}`));
  assert.equal(missing, [], 'keys of compiler/config/config-schema.ts missing from docs/configuration.md');
});

interface Schema {
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
}

/** Key paths two levels deep, and one level below a map (`modules.<name>.url`, `deploy.<env>.domain`). */
function configKeys(schema: Schema, prefix: string, depth = 0): string[] {
  const keys: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    keys.push(path);
    if (depth === 0) keys.push(...configKeys(child, path, 1));
  }
  if (depth === 1 && typeof schema.additionalProperties === 'object' && schema.additionalProperties.properties) {
    const placeholder = prefix === 'deploy' ? '<env>' : '<name>';
    for (const name of Object.keys(schema.additionalProperties.properties)) keys.push(`${prefix}.${placeholder}.${name}`);
  }
  return keys;
}

test.run();
