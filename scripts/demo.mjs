// `npm run demo`: build the example app, print its routes, serve it, and send it a few requests
// (a payment created, read, captured by a background effect; validation errors; a wrong method), then stop.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const app = `${repo}fixtures/payments`;
const gati = (...args) => spawnSync(process.execPath, [`${repo}bin/gati.mjs`, ...args], { stdio: 'inherit' });

if (gati('build', app).status !== 0) process.exit(1);
gati('routes', app);

const server = spawn(process.execPath, ['dist/server.mjs'], { cwd: app, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (chunk) => {
    text += chunk;
    const m = /"url":"([^"]+)"/.exec(text);
    if (m) resolve(m[1]);
  });
  server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
});
console.log(`\nserving ${app} at ${url}\n`);

async function call(method, path, body) {
  const res = await fetch(url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body) });
  const text = await res.text();
  console.log(`${method} ${path} → ${res.status} ${res.headers.get('content-type') ?? ''}\n  ${text.length > 300 ? `${text.slice(0, 300)}…` : text}\n`);
  return text ? JSON.parse(text) : undefined;
}

try {
  await call('GET', '/health');
  const payment = await call('POST', '/payments', {
    amount: 2500, currency: 'USD', accountId: 'acc_demo', customerEmail: 'asha@example.com',
    method: { type: 'card', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 },
    items: [{ sku: 'tea', quantity: 2, unitAmount: 1250 }],
  });
  await call('GET', `/payments/${payment.id}`);
  await call('POST', `/payments/${payment.id}/capture`, { amount: 2500, currency: 'USD' });
  await new Promise((r) => setTimeout(r, 300)); // the capturePayment effect runs in the background
  await call('GET', `/payments/${payment.id}`);
  await call('GET', '/payments?limit=abc');
  await call('POST', `/payments/${payment.id}/capture`, { amount: 0, currency: 'GBP' });
  await call('GET', '/accounts/acc_demo/balance');
  await call('DELETE', '/health');
} finally {
  server.kill('SIGTERM');
}
