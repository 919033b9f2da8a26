// One app per diagnostic (fixtures/invalid/<code>-<slug>/): the compact diagnostics of a build
// must match expected.txt, and must include the code the case is named after.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../driver/build.js';
import { formatCompact } from '../compiler/diagnostics/format.js';
import { fixture } from './helpers/paths.js';
import { assertGolden } from './helpers/golden.js';

const ROOT = fixture('invalid');
// A case with expected-start.txt instead is a problem only `gati start` can see (GATI4020): its build
// passes, and test/effects-config.test.ts checks what start prints.
const cases = readdirSync(ROOT).filter((name) => /^gati\d{4}-/.test(name) && !existsSync(join(ROOT, name, 'expected-start.txt'))).sort();

test('there is an invalid fixture for several codes', () => {
  assert.ok(cases.length >= 30, `${cases.length} cases`);
});

for (const name of cases) {
  test(`${name}`, async () => {
    const code = name.slice(0, 8).toUpperCase();
    const result = await buildApp(join(ROOT, name));
    const text = result.diagnostics.map(formatCompact).join('\n') + '\n';
    assert.ok(result.diagnostics.some((d) => d.code === code), `expected ${code}, got:\n${text}`);
    // TypeScript's own errors (TSxxxx) may accompany a case (a type that breaks Gati's rules often
    // breaks the gati types' constraints too); they are part of the golden file like the rest.
    assert.ok(result.diagnostics.every((d) => d.code === code || d.code.startsWith('TS')), `only ${code} expected, got:\n${text}`);
    assert.is(result.ok, result.diagnostics.every((d) => d.severity === 'warning'), 'ok means no errors');
    assertGolden(join(ROOT, name, 'expected.txt'), text, `diagnostics of ${name}`);
  });
}

test.run();
