#!/usr/bin/env node
// Load test of the payments example app (fixtures/payments) with autocannon: a mix of listing,
// reading and creating payments, plus request bodies the validator must refuse with a 400.
//
//   gati build fixtures/payments && LOG_LEVEL=warn gati start fixtures/payments     (serves :3000)
//   node examples/load/autocannon.mjs                                                 (10 s, 20 connections)
//   node examples/load/autocannon.mjs --url http://127.0.0.1:3000 --duration 30 --connections 50
//   --json: print one JSON summary instead of autocannon's table (the repository's test reads it)
//
// Every connection cycles through REQUESTS in order, so 4 in 6 requests succeed (200/201) and 2 in 6
// are invalid bodies answered 400. The script exits 1 when a request failed at the socket, timed out or
// got a status other than 200, 201 or 400.
import autocannon from 'autocannon';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const URL_BASE = opt('url', 'http://127.0.0.1:3000').replace(/\/$/, '');
const DURATION = Number(opt('duration', 10));
const CONNECTIONS = Number(opt('connections', 20));
const JSON_OUT = argv.includes('--json');

/** A valid NewPayment: the amount is the sum of the items (otherwise the handler answers 422). */
const payment = {
  amount: 4500,
  currency: 'INR',
  accountId: 'acc_demo',
  customerEmail: 'ann@shop.in',
  method: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
  items: [
    { sku: 'TEE-M', quantity: 1, unitAmount: 2500 },
    { sku: 'MUG-1', unitAmount: 2000 },
  ],
  labels: { channel: 'load-test' },
};
/** Refused by the body validator (400 problem+json): a currency outside the enum, and an unknown key. */
const badCurrency = { ...payment, currency: 'GBP' };
const unknownKey = { ...payment, cardNumber: '4242424242424242' };

const json = { 'content-type': 'application/json' };
const post = (body) => ({ method: 'POST', path: '/payments', headers: json, body: JSON.stringify(body) });
const OK = new Set([200, 201, 400]);

/** Creates one payment before the run, so the mix can read it back. */
async function createPayment() {
  const res = await fetch(`${URL_BASE}/payments`, { method: 'POST', headers: json, body: JSON.stringify(payment) });
  if (res.status !== 201) throw new Error(`POST /payments answered ${res.status}: ${await res.text()}`);
  return (await res.json()).id;
}

async function main() {
  const id = await createPayment();
  const REQUESTS = [
    { method: 'GET', path: '/payments?limit=10&currency=INR' }, // 200
    { method: 'GET', path: `/payments/${id}` }, // 200
    post(payment), // 201
    post(badCurrency), // 400
    { method: 'GET', path: '/accounts/acc_demo/balance' }, // 200
    post(unknownKey), // 400
  ];
  const result = await autocannon({ url: URL_BASE, connections: CONNECTIONS, duration: DURATION, requests: REQUESTS });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]));
  const unexpected = Object.keys(statusCodes).filter((code) => !OK.has(Number(code)));
  const summary = {
    requests: result.requests.total,
    rps: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
  };
  if (JSON_OUT) console.log(JSON.stringify(summary));
  else {
    console.log(autocannon.printResult(result));
    console.log(`status codes: ${JSON.stringify(statusCodes)} (expected 200, 201 and 400 only)`);
  }
  if (result.errors || result.timeouts || unexpected.length || !result.requests.total) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exitCode = 1;
});
