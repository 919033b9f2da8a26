// One case per type construct (fixtures/types/src/handlers/<case>.ts): the emitted JSON Schema is
// compared with its golden file, then compiled with AJV and run against valid samples and against
// mutations that must fail at a named path (fixtures/types/samples/<case>.json).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, type BuildResult } from '../driver/build.js';
import { routeSchemas } from '../emitters/schema/index.js';
import { fixture } from './helpers/paths.js';
import { assertGolden } from './helpers/golden.js';
import { createAjv } from './helpers/ajv.js';

interface Samples { valid: unknown[]; invalid: { value: unknown; path: string; why?: string }[] }

const ROOT = fixture('types');
const cases = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
let built: BuildResult;

const types = suite('type conformance');

types.before(async () => {
  built = await buildApp(ROOT);
});

types('the fixture builds without diagnostics, one route per case', () => {
  assert.equal(built.diagnostics.map((d) => `${d.code} ${d.message}`), []);
  assert.equal(built.model.routes.map((r) => r.path.slice(1)).sort(), cases);
});

for (const name of cases) {
  types(`${name}: golden schema, valid samples pass, mutations fail at their path`, () => {
    const route = built.model.routes.find((r) => r.path === `/${name}`);
    assert.ok(route, `route POST /${name}`);
    const schemas = routeSchemas(route!, built.model);
    assertGolden(join(ROOT, 'expected', `${name}.json`), `${JSON.stringify(schemas, null, 2)}\n`, `schemas of ${name}`);
    // The echo handler's output is its input type: both must be the same schema.
    assert.equal(schemas.responses['200'], schemas.body);
    const validate = createAjv().compile(schemas.body!);
    const samples = JSON.parse(readFileSync(join(ROOT, 'samples', `${name}.json`), 'utf8')) as Samples;
    assert.ok(samples.valid.length >= 2 && samples.invalid.length >= 3, 'enough samples');
    for (const value of samples.valid) {
      const ok = validate(value);
      assert.ok(ok, `valid sample ${JSON.stringify(value)} rejected: ${JSON.stringify(validate.errors)}`);
    }
    for (const { value, path, why } of samples.invalid) {
      assert.not.ok(validate(value), `mutation (${why}) ${JSON.stringify(value)} accepted`);
      const paths = (validate.errors ?? []).map((e) => e.instancePath);
      assert.ok(paths.includes(path), `mutation (${why}) should fail at '${path}', failed at ${JSON.stringify(paths)}`);
    }
  });
}

types.run();
