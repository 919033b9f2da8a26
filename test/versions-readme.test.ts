// README's "Versions" rule table is generated from the catalogue (compiler/versions/rules.ts):
// this test fails when they drift, and `UPDATE_GOLDEN=1 npm test` rewrites the table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRulesTable } from '../compiler/versions/rules.js';
import { REPO } from './helpers/paths.js';
import { UPDATING } from './helpers/golden.js';

const START = '<!-- rules-table: generated from compiler/versions/rules.ts by test/versions-readme.test.ts -->';
const END = '<!-- /rules-table -->';

test('the README rules table matches the catalogue', () => {
  const file = join(REPO, 'README.md');
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(START), to = text.indexOf(END);
  assert.ok(from >= 0 && to > from, 'README has the rules-table markers');
  const expected = `${START}\n${renderRulesTable()}\n${END}`;
  const actual = text.slice(from, to + END.length);
  if (UPDATING && actual !== expected) writeFileSync(file, text.slice(0, from) + expected + text.slice(to + END.length));
  else assert.fixture(actual, expected, 'run UPDATE_GOLDEN=1 npm test to regenerate the table');
});

test.run();
