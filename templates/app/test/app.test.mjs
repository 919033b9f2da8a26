// Runs against the real server: `npm test` builds the app, then this file starts `gati start` on a
// free port and sends it real requests. Set BASE_URL to test a server that is already running
// (`BASE_URL=http://127.0.0.1:3000 node --test` beside `npx gati dev`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
let baseUrl = process.env.BASE_URL;
let server;

before(async () => {
  if (baseUrl) return;
  // The gati CLI of this app's node_modules, run with this Node (no shell, works on every OS).
  const gatiBin = join(dirname(createRequire(import.meta.url).resolve('gati/package.json')), 'bin/gati.mjs');
  server = spawn(process.execPath, [gatiBin, 'start', appRoot], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  baseUrl = await listeningUrl(server);
});

after(() => server?.kill('SIGTERM'));

/** Resolves with the URL of the server's JSON "listening" log line (PORT=0 picks a free port). */
function listeningUrl(child) {
  return new Promise((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 30 s')), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gati start exited with code ${code} before listening (its output is above; run \`gati build\` first if dist/ is missing)`));
    });
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a log line
        }
      }
    });
  });
}

const post = (path, body) => fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('GET /hello greets by name', async () => {
  const response = await fetch(`${baseUrl}/hello?name=Ada`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { message: 'Hello, Ada!' });
});

test('POST /todos creates a todo that GET /todos lists', async () => {
  const created = await post('/todos', { title: 'write the first handler' });
  assert.equal(created.status, 201);
  const todo = await created.json();
  assert.equal(todo.title, 'write the first handler');
  assert.equal(todo.done, false);
  assert.equal(created.headers.get('location'), `/todos/${todo.id}`);

  const listed = await fetch(`${baseUrl}/todos`);
  assert.equal(listed.status, 200);
  const { items } = await listed.json();
  assert.ok(items.some((item) => item.id === todo.id));
});

test('an invalid body is a 400 problem naming the field', async () => {
  const response = await post('/todos', { title: '' });
  assert.equal(response.status, 400);
  assert.match(response.headers.get('content-type'), /^application\/problem\+json/);
  const problem = await response.json();
  assert.ok(problem.errors.some((error) => error.path === '/body/title'), JSON.stringify(problem));
});
