// dist/openapi.json: a valid OpenAPI 3.1 document (checked by @readme/openapi-parser), with every
// route, parameter, body and response; its schemas accept and reject the same samples as the
// JSON Schemas of fixtures/types.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { buildApp } from '../driver/build.js';
import { openApiDocument, emit as emitOpenApi } from '../emitters/openapi/index.js';
import { fixture } from './helpers/paths.js';
import { createAjv } from './helpers/ajv.js';

type Doc = Record<string, any>;
const openapi = suite('OpenAPI');
const payments = (await buildApp(fixture('payments'))).model;
const types = (await buildApp(fixture('types'))).model;

async function assertValid(doc: Doc): Promise<void> {
  const result = await validate(structuredClone(doc) as never);
  assert.ok(result.valid, result.valid ? '' : compileErrors(result));
}

openapi('payments: valid OpenAPI 3.1, info.version from the API semver, written to dist/openapi.json', async () => {
  const doc = openApiDocument(payments, { apiVersion: '2.1.0' }) as Doc;
  await assertValid(doc);
  assert.is(doc.openapi, '3.1.0');
  assert.equal(doc.info, { title: 'payments', version: '2.1.0' });
  assert.is((openApiDocument(payments) as Doc).info.version, '0.0.0');
  assert.equal(emitOpenApi(payments).map((a) => a.path), ['dist/openapi.json']);
});

openapi('payments: one operation per route with unique ids named like the client methods', () => {
  const doc = openApiDocument(payments) as Doc;
  const ops = Object.entries(doc.paths as Doc).flatMap(([path, item]) => Object.entries(item as Doc).map(([method, op]) => ({ path, method, op: op as Doc })));
  assert.is(ops.length, payments.routes.length);
  const ids = ops.map((o) => o.op.operationId).sort();
  assert.equal(ids, ['accountsBalance', 'health', 'paymentsCapture', 'paymentsDelete', 'paymentsGet', 'paymentsGetById', 'paymentsPatch', 'paymentsPost', 'paymentsRefund', 'receipts']);
  assert.ok(doc.paths['/receipts/{wildcard}'].get, 'the wildcard is a path parameter');
});

openapi('payments: parameters, request bodies, declared responses and problem responses', () => {
  const doc = openApiDocument(payments) as Doc;
  const list = doc.paths['/payments'].get;
  const status = list.parameters.find((p: Doc) => p.name === 'status');
  assert.equal(status, { name: 'status', in: 'query', required: false, schema: { type: 'array', items: { $ref: '#/components/schemas/PaymentStatus' } }, description: 'Repeat to match any of several: `?status=captured&status=failed`.', style: 'form', explode: true });
  const create = doc.paths['/payments'].post;
  assert.equal(create.parameters, [{ name: 'idempotency-key', in: 'header', required: false, schema: { type: 'string', maxLength: 64 } }]);
  assert.equal(create.requestBody, { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPayment' } } } });
  assert.equal(Object.keys(create.responses), ['200', '201', '400', '404', '405', '413', '415', '422', '500']);
  const del = doc.paths['/payments/{id}'].delete;
  assert.equal(del.parameters, [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^pay_[0-9a-z]+$' } }]);
  assert.equal(del.responses['204'], { description: '204 (no body)' });
  assert.ok(del.responses['404'].content, 'a declared 404 keeps its own body');
  assert.is(del.responses['413'], undefined, 'no body, no 413');
  assert.equal(del.responses['500'], { $ref: '#/components/responses/Problem500' });
  assert.equal(doc.components.responses.Problem400.content, { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } });
  assert.equal(doc.components.schemas.Problem.required, ['type', 'title', 'status']);
  assert.ok(doc.components.schemas.RefundNote.properties.replies.items.$ref === '#/components/schemas/RefundNote', 'recursion through components');
});

const ROOT = fixture('types');
const cases = readdirSync(join(ROOT, 'samples')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

openapi('fixtures/types: the document is valid', async () => {
  await assertValid(openApiDocument(types) as Doc);
});

openapi('fixtures/types: every request body schema accepts the valid samples and rejects each mutation at its path', () => {
  const doc = openApiDocument(types) as Doc;
  const ajv = createAjv();
  // The components live in the document: AJV resolves `#/components/schemas/<id>` against it.
  ajv.addVocabulary(['components']);
  for (const name of cases) {
    const body = doc.paths[`/${name}`].post.requestBody.content['application/json'].schema;
    const validate = ajv.compile({ $id: `https://gati.test/${name}`, ...body, components: doc.components });
    const samples = JSON.parse(readFileSync(join(ROOT, 'samples', `${name}.json`), 'utf8')) as { valid: unknown[]; invalid: { value: unknown; path: string }[] };
    for (const value of samples.valid) assert.ok(validate(value), `${name}: valid sample rejected: ${JSON.stringify(validate.errors)}`);
    for (const { value, path } of samples.invalid) {
      assert.not.ok(validate(value), `${name}: mutation accepted: ${JSON.stringify(value)}`);
      assert.ok((validate.errors ?? []).some((e) => e.instancePath === path), `${name}: should fail at ${path}: ${JSON.stringify(validate.errors)}`);
    }
  }
});

openapi.run();
