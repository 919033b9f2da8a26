// The documented defaults are the real ones: every default in runtime-shim/defaults.ts is found,
// with the same value, in the row of docs/configuration.md (or docs/cli.md, docs/effects.md) that
// documents it, and in the README's config table where it lists the key. A default changed in code but not in the docs, or a new default left undocumented,
// fails here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './helpers/paths.js';
import { CONFIG_DEFAULTS, EFFECT_DEFAULTS, PROCESS_DEFAULTS } from '../runtime-shim/defaults.js';

const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

interface Row {
  /** The key cell: one or more `key` names. */
  keys: string;
  /** The default column's cell. */
  dflt: string;
  line: string;
}

/** The rows of every table with a `default` column. */
function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  let defaultColumn = -1;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      defaultColumn = -1;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    if (defaultColumn === -1 && cells[0] === 'key') {
      defaultColumn = cells.indexOf('default');
      continue;
    }
    if (defaultColumn > 0 && !/^-+$/.test(cells[0] ?? '')) rows.push({ keys: cells[0]!, dflt: cells[defaultColumn] ?? '', line });
  }
  return rows;
}

/** Every leaf of a defaults object, by dotted path. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, v]) => leaves(v, path ? `${path}.${key}` : key));
  }
  return [[path, value]];
}

/** How the docs write a value: 1048576 bytes as `1 MiB`, arrays as `[a, b]`, strings bare. */
function written(path: string, value: unknown): string {
  if (path === 'server.bodyLimit' && typeof value === 'number' && value % (1024 * 1024) === 0) return `${value / (1024 * 1024)} MiB`;
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

/** Doc text without code marks and quotes (`'strip'` → strip, `['default']` → [default]). */
const plain = (text: string) => text.replace(/[`'"]/g, '');

/** Defaults documented in another key's row (the dev host beside the host, the prefix in the URL's text). */
const DOCUMENTED_WITH: Record<string, string> = {
  'server.devHost': 'server.host',
  'effects.redisPrefix': 'effects.url',
  'effects.azureTable': 'effects.table',
  'modules.port': 'modules.container.port',
};

/** The doc's name of a config key: deploy and modules keys sit under `<env>` and `<name>`. */
function docKey(path: string): string {
  const [top, ...rest] = path.split('.');
  if (top === 'deploy') return ['deploy', '<env>', ...rest].join('.');
  if (top === 'modules') return ['modules', '<name>', ...rest].join('.');
  return path;
}

/** The row documenting a key: its own, else the row of its nearest documented parent (`resources.requests`). */
function rowFor(rows: Row[], path: string): Row | undefined {
  const parts = docKey(path).split('.');
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join('.');
    const row = rows.find((r) => r.keys.includes(`\`${key}\``));
    if (row) return row;
  }
  return undefined;
}

const contains = (text: string, value: string) => new RegExp(`(^|[^\\w.-])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w.-])`).test(plain(text));

test('docs/configuration.md states every config default as runtime-shim/defaults.ts has it', () => {
  const rows = tableRows(read('docs/configuration.md'));
  assert.ok(rows.length > 40, `only ${rows.length} table rows read from docs/configuration.md`);
  const all = leaves(CONFIG_DEFAULTS);
  assert.ok(all.length > 30, `only ${all.length} defaults read`);
  const wrong: string[] = [];
  for (const [path, value] of all) {
    const other = DOCUMENTED_WITH[path];
    const row = rowFor(rows, other ?? path);
    const text = written(path, value);
    if (!row) wrong.push(`${path}: no row of docs/configuration.md documents it (default ${text})`);
    else if (!contains(other ? row.line : row.dflt, text)) wrong.push(`${path}: defaults.ts has ${text}, docs/configuration.md says "${other ? row.line : row.dflt}"`);
  }
  assert.equal(wrong, [], `update docs/configuration.md or runtime-shim/defaults.ts:\n${wrong.join('\n')}`);
});

test('the README\'s config table agrees, for every key it lists', () => {
  const rows = tableRows(read('README.md'));
  let checked = 0;
  const wrong: string[] = [];
  for (const [path, value] of leaves(CONFIG_DEFAULTS)) {
    // Only keys the README names itself (its deploy and modules rows point to the guide instead).
    const row = rows.find((r) => r.keys.includes(`\`${docKey(path)}\``));
    if (!row) continue;
    checked++;
    if (!contains(row.dflt, written(path, value))) wrong.push(`${path}: defaults.ts has ${written(path, value)}, README.md says "${row.dflt}"`);
  }
  assert.ok(checked >= 12, `only ${checked} README rows checked`);
  assert.equal(wrong, [], `update README.md or runtime-shim/defaults.ts:\n${wrong.join('\n')}`);
});

test('the check would catch a changed default', () => {
  const rows = tableRows(read('docs/configuration.md'));
  assert.ok(contains(rowFor(rows, 'server.port')!.dflt, '3000'));
  assert.not.ok(contains(rowFor(rows, 'server.port')!.dflt, '3001'));
  assert.not.ok(contains(rowFor(rows, 'validation.maxErrors')!.dflt, '1'), 'a value is matched whole, not as part of 10');
});

test('docs/cli.md states the default LOG_LEVEL and --workers', () => {
  const lines = read('docs/cli.md').split('\n');
  const logLevel = lines.find((l) => l.startsWith('| `LOG_LEVEL`'));
  assert.ok(logLevel, 'docs/cli.md has a LOG_LEVEL row');
  assert.match(logLevel!, `\`${PROCESS_DEFAULTS.logLevel}\` (default)`);
  const workers = lines.find((l) => l.startsWith('| `--workers'));
  assert.ok(workers, 'docs/cli.md has a --workers row');
  assert.match(workers!, `default ${PROCESS_DEFAULTS.workers})`);
});

test('docs/effects.md states the default retry policy and lease', () => {
  const doc = read('docs/effects.md').replace(/\s+/g, ' ');
  const { attempts, backoff, delayMs } = EFFECT_DEFAULTS.retry;
  assert.ok(doc.includes(`Defaults: ${attempts} attempts, \`'${backoff}'\`, ${delayMs} ms.`), `docs/effects.md: "Defaults: ${attempts} attempts, '${backoff}', ${delayMs} ms."`);
  assert.ok(doc.includes(`a ${EFFECT_DEFAULTS.leaseMs / 1000} s lease`), `docs/effects.md: "a ${EFFECT_DEFAULTS.leaseMs / 1000} s lease"`);
});

test.run();
