// The flow file format: the stable writer (key order, lines for scripts, same bytes every time),
// the checks with their JSON pointers, `{{var}}` interpolation, and the request a step builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { buildRequest, MissingVariable, parseFlow, serializeFlow, validateFlow, formatProblem, type Flow } from '../playground/index.js';
import { fixture } from './helpers/paths.js';

const CHECKOUT = fixture('payments', 'playground', 'checkout.flow.json');

test('the fixture flow is in the stable form: parse then write gives the same bytes', () => {
  const text = readFileSync(CHECKOUT, 'utf8');
  const read = parseFlow(text, 'checkout.flow.json');
  assert.ok(read.flow, JSON.stringify(read.problems));
  assert.is(serializeFlow(read.flow!), text);
});

test('the writer orders keys, sorts records, keeps the body as written and splits scripts into lines', () => {
  const flow: Flow = {
    steps: [{ post: 'a();\nb();\n', pre: 'one();', body: { z: 1, a: 2 }, headers: { b: '1', a: '2' }, route: 'GET /x/:id', name: 'step', params: { id: '1' } } as never],
    variables: { z: 1, a: 2 },
    description: 'd',
  };
  const text = serializeFlow(flow);
  assert.is(
    text,
    `${JSON.stringify({ description: 'd', variables: { a: 2, z: 1 }, steps: [{ name: 'step', route: 'GET /x/:id', params: { id: '1' }, headers: { a: '2', b: '1' }, body: { z: 1, a: 2 }, pre: 'one();', post: ['a();', 'b();'] }] }, null, 2)}\n`,
  );
  assert.is(serializeFlow(parseFlow(text, 'f').flow!), text);
});

test('problems name the file and the JSON pointer, all of them at once', () => {
  const read = validateFlow({ steps: [{ name: 'a', route: 'FETCH /x' }, { name: 'a', route: 'GET /p/:id', params: { id: 1, other: 'x' }, headers: { n: 1 }, post: 3, extra: true }], variable: {} }, 'playground/f.flow.json');
  assert.equal(read.problems!.map(formatProblem), [
    'playground/f.flow.json: /variable: unknown key "variable" (expected description, variables, steps)',
    'playground/f.flow.json: /steps/0/route: must be "METHOD /path" with METHOD one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (e.g. "POST /payments/:id/capture"), got "FETCH /x"',
    'playground/f.flow.json: /steps/1/extra: unknown key "extra" (expected name, route, params, query, headers, body, pre, post)',
    'playground/f.flow.json: /steps/1/name: "a" names an earlier step too: step names are unique in a flow',
    'playground/f.flow.json: /steps/1/params/other: the route GET /p/:id has no parameter "other" (it has id)',
    'playground/f.flow.json: /steps/1/headers: must be an object of strings',
    "playground/f.flow.json: /steps/1/post: must be the script's text, or an array of its lines, got number 3",
  ]);
  assert.equal(validateFlow([], 'f').problems!.map((p) => p.pointer), ['']);
  assert.equal(validateFlow({ steps: [] }, 'f').problems!.map((p) => p.pointer), ['/steps']);
  assert.match(parseFlow('{ "steps": ', 'f').problems![0]!.message, /^not valid JSON/);
});

test('a step builds its request: params in the path (encoded), query, headers, body with {{var}} replaced', () => {
  const env = { id: 'pay 1/2', amount: 1200, tags: ['a', 'b'], token: 'tok' };
  const request = buildRequest(
    { name: 's', route: 'PATCH /payments/:id', params: { id: '{{id}}' }, query: { expand: ['refunds', 'notes'], n: 2 }, headers: { Authorization: 'Bearer {{token}}' }, body: { amount: '{{amount}}', note: 'for {{amount}} cents', tags: '{{ tags }}' } },
    env,
    'http://127.0.0.1:3000/',
  );
  assert.equal(request, {
    method: 'PATCH',
    url: 'http://127.0.0.1:3000/payments/pay%201%2F2?expand=refunds&expand=notes&n=2',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: { amount: 1200, note: 'for 1200 cents', tags: ['a', 'b'] },
  });
  const wildcard = buildRequest({ name: 'w', route: 'GET /receipts/*', params: { '*': '2026/{{id}}' } }, env, 'http://h');
  assert.is(wildcard.url, 'http://h/receipts/2026/pay%201/2', 'the wildcard keeps its slashes');
  assert.throws(() => buildRequest({ name: 'm', route: 'GET /p/:id', params: { id: '{{missing}}' } }, env, 'http://h'), (error: Error) => error instanceof MissingVariable && /\{\{missing\}\} is not set/.test(error.message));
});

test.run();
