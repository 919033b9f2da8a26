// The route rules of docs/handlers.md: file-path routes and route strings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeFromFilePath } from '../model/file-route.js';
import { parseRouteString } from '../model/route-string.js';

const cases: [string, string, string[]][] = [
  ['users/[id].get.ts', 'GET /users/:id', ['users', 'get']],
  ['users/index.ts', 'GET /users', ['users', 'get']],
  ['index.ts', 'GET /', ['get']],
  ['health.ts', 'GET /health', ['health']],
  ['payments/capture.post.ts', 'POST /payments/capture', ['payments', 'capture']],
  ['payments/[id]/refund.post.ts', 'POST /payments/:id/refund', ['payments', 'refund']],
  ['files/[...path].get.ts', 'GET /files/*', ['files', 'get']],
  ['chat.ws.ts', 'WS /chat', ['chat']],
  ['users/index.delete.ts', 'DELETE /users', ['users', 'delete']],
  ['reports/monthly-summary.ts', 'GET /reports/monthly-summary', ['reports', 'monthlySummary']],
];

for (const [file, key, name] of cases) {
  test(`file route ${file} → ${key}`, () => {
    const r = routeFromFilePath(file);
    assert.is(`${r.method} ${r.path}`, key);
    assert.equal(r.name, name);
  });
}

test('route strings: methods, params, wildcard, trailing slash', () => {
  const ok = parseRouteString('POST /payments/:id/capture');
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.route, { method: 'POST', path: '/payments/:id/capture', params: ['id'] });
  const wild = parseRouteString('GET /files/*');
  assert.ok(wild.ok && wild.route.params[0] === '*');
  const slash = parseRouteString('GET /users/');
  assert.ok(slash.ok && slash.route.path === '/users');
  const root = parseRouteString('GET /');
  assert.ok(root.ok && root.route.path === '/');
});

test('route strings: every malformed form is refused with a reason', () => {
  for (const bad of ['FETCH /x', 'GET', 'GET users', 'GET /files/*/meta', 'GET /a//b', 'GET /x/:', 'GET /x/:a/:a', 'GET /x?y=1', 'get /x', 'GET /a:b']) {
    const r = parseRouteString(bad);
    assert.not.ok(r.ok, bad);
    if (!r.ok) assert.ok(r.reason.length > 5, `${bad} has a reason`);
  }
});

test.run();
