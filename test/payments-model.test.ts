// The demo app's model: routes from file paths and `route` exports, middleware chains, modules and
// effects, and the types the contract's example declares.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildApp } from '../driver/build.js';
import { printGType } from '../model/print-gtype.js';
import { fixture } from './helpers/paths.js';

const built = await buildApp(fixture('payments'));
const route = (key: string) => {
  const r = built.model.routes.find((x) => x.key === key);
  assert.ok(r, key);
  return r!;
};

test('builds clean, with the config name', () => {
  assert.equal(built.diagnostics, []);
  assert.is(built.model.app.name, 'payments');
});

test('routes from file paths and from route exports', () => {
  assert.is(route('GET /payments/:id').routeSource, 'file');
  assert.is(route('POST /payments/:id/capture').routeSource, 'export');
  assert.equal(route('GET /receipts/*').pathParams, ['*']);
});

test("the contract's capture example", () => {
  const capture = route('POST /payments/:id/capture');
  assert.is(printGType(capture.input.params!), '{ id: string }');
  assert.is(printGType(built.model.types.CaptureBody!.type), '{ amount: number<minimum=1>; currency: "USD" | "EUR" | "INR"; note?: string<maxLength=140> }');
  assert.equal(Object.keys(capture.output), ['202', '409']);
  assert.equal(capture.modules, ['ledger']);
  assert.equal(capture.effects, ['capturePayment']);
  assert.equal(capture.middleware, ['src/handlers/payments/_middleware.ts']);
});

test('untyped handler: no validation, unknown output', () => {
  const health = route('GET /health');
  assert.is(health.typed, false);
  assert.equal(health.input, {});
  assert.is(health.output['200']!.kind, 'unknown');
  assert.equal(health.middleware, []);
});

test('204 void, generics, discriminated unions, recursion', () => {
  assert.is(route('DELETE /payments/:id').output['204']!.kind, 'void');
  assert.ok(built.model.types.Page_PaymentSummary, 'Page<PaymentSummary> instantiated');
  const method = built.model.types.PaymentMethod!.type;
  assert.ok(method.kind === 'union' && method.discriminator === 'type');
  assert.match(printGType(built.model.types.RefundNote!.type), 'replies?: RefundNote[]');
});

test('modules and effects', () => {
  const ledger = built.model.modules.find((m) => m.name === 'ledger')!;
  assert.ok(ledger.hasInit && ledger.hasClose);
  assert.ok(ledger.functions.some((f) => f.signature === 'reserve(id: string, amount: number): Promise<boolean>'));
  assert.not.ok(ledger.functions.some((f) => f.name === 'init'));
  const effect = built.model.effects[0]!;
  assert.is(effect.name, 'capturePayment');
  assert.is(printGType(effect.payload), '{ id: string }');
  assert.equal(effect.retry, { attempts: 5, backoff: 'exponential', delayMs: 500 });
});

test.run();
