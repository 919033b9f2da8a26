// The client's method naming rule (emitters/client/names.ts) on the collisions it settles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HttpMethod, RouteModel } from '../model/app-model.js';
import { methodNames, operationId, typeNames } from '../emitters/client/names.js';

const route = (method: HttpMethod, path: string, name: string[]): RouteModel => ({
  key: `${method} ${path}`, method, path, name,
  pathParams: path.split('/').filter((s) => s.startsWith(':') || s === '*').map((s) => (s === '*' ? '*' : s.slice(1))),
  file: '', span: { file: '', line: 1, column: 1 }, routeSource: 'file', typed: true, input: {}, output: {}, middleware: [], modules: [], effects: [],
});
const names = (routes: RouteModel[]) => Object.fromEntries([...methodNames(routes)].map(([k, v]) => [k, v.join('.')]));

test('unique names are kept', () => {
  assert.equal(names([route('POST', '/payments/:id/capture', ['payments', 'capture']), route('GET', '/health', ['health'])]),
    { 'POST /payments/:id/capture': 'payments.capture', 'GET /health': 'health' });
});

test('a shared name: the route with path params gets By<Params>', () => {
  assert.equal(names([route('GET', '/payments', ['payments', 'get']), route('GET', '/payments/:id', ['payments', 'get'])]),
    { 'GET /payments': 'payments.get', 'GET /payments/:id': 'payments.getById' });
  assert.equal(names([route('GET', '/a/:x/b/:y', ['a', 'b']), route('GET', '/a/b', ['a', 'b']), route('GET', '/a/*', ['a', 'b'])]),
    { 'GET /a/:x/b/:y': 'a.bByXAndY', 'GET /a/b': 'a.b', 'GET /a/*': 'a.bByPath' });
});

test('a name that is also a namespace gets its method; what is still shared gets a number, in key order', () => {
  assert.equal(names([route('GET', '/receipts', ['receipts']), route('GET', '/receipts/today', ['receipts', 'today'])]),
    { 'GET /receipts': 'receipts.get', 'GET /receipts/today': 'receipts.today' });
  assert.equal(names([route('GET', '/x', ['x', 'list']), route('GET', '/y', ['x', 'list']), route('GET', '/z', ['x', 'list'])]),
    { 'GET /x': 'x.list', 'GET /y': 'x.list2', 'GET /z': 'x.list3' });
});

test('`request` and `socket` stay the generic calls; operation ids and type names', () => {
  assert.equal(names([route('POST', '/request', ['request'])]), { 'POST /request': 'request_' });
  assert.equal(names([route('GET', '/socket/x', ['socket', 'x'])]), { 'GET /socket/x': 'socket_.x' });
  assert.is(operationId(['payments', 'getById']), 'paymentsGetById');
  assert.equal([...typeNames(['Page_User', 'ApiError', 'src_a__User', 'a-b'])], [['ApiError', 'ApiError_'], ['Page_User', 'Page_User'], ['a-b', 'a_b'], ['src_a__User', 'src_a__User']]);
});

test.run();
