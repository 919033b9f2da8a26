// The code registry, docs/diagnostics.md and the invalid fixtures stay in sync.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { CODES } from '../compiler/diagnostics/codes.js';
import { readDiagnosticDocs } from '../bin/commands/explain.js';
import { fixture } from './helpers/paths.js';

const codes = Object.keys(CODES);

test('codes are well-formed and in their range', () => {
  for (const code of codes) assert.ok(/^GATI[1-59]\d{3}$/.test(code), code);
  assert.equal([...codes].sort(), codes, 'registry is in code order');
});

test('every code has a docs/diagnostics.md section, and every section a code', () => {
  const docs = readDiagnosticDocs();
  for (const code of codes) {
    const section = docs.get(code);
    assert.ok(section, `${code} is documented`);
    assert.ok(section!.startsWith(`## ${code}: ${CODES[code as keyof typeof CODES].title}`), `${code} heading matches the registry title`);
  }
  for (const code of docs.keys()) assert.ok(codes.includes(code), `${code} in the docs is in the registry`);
});

test('every user-facing code has an invalid fixture', () => {
  const cases = readdirSync(fixture('invalid')).map((n) => n.slice(0, 8).toUpperCase());
  for (const code of codes.filter((c) => !c.startsWith('GATI9'))) assert.ok(cases.includes(code), `fixtures/invalid has a case for ${code}`);
});

test.run();
