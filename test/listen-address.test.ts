// Where `gati start`, `gati dev` and `node dist/server.mjs` listen: the flag, else PORT/HOST, else
// server.port/server.host of gati.config, else 3000 on 0.0.0.0 (dev: 127.0.0.1). A real app is
// built once and served by each command; the test reads the address it announces and calls it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATI_BIN, copyFixture, gatiSync, removeDir, runServer } from './helpers/server.js';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

// runServer sets PORT=0 and HOST=127.0.0.1; an empty variable is unset, as in a compose file.
const UNSET = { PORT: '', HOST: '' };

const dir = copyFixture('serving');
let configPort = 0;

test.before(async () => {
  configPort = await freePort();
  writeFileSync(join(dir, 'gati.config.ts'), `import { defineConfig } from 'gati';\nexport default defineConfig({ name: 'serving', server: { port: ${configPort}, host: '127.0.0.2', shutdownTimeoutMs: 2000 } });\n`);
  const built = gatiSync(['build', dir]);
  assert.is(built.status, 0, built.stderr);
});
test.after(() => removeDir(dir));

async function servedAt(command: string[], env: Record<string, string>): Promise<string> {
  const app = await runServer(command, dir, { LOG_LEVEL: 'info', ...env });
  try {
    // The announced address answers: the server really listens there.
    assert.is((await fetch(`${app.url}/teapot`)).status, 418, `${app.url} answers`);
    return app.url;
  } finally {
    await app.stop('SIGTERM');
  }
}

test('gati start and node dist/server.mjs listen on server.port and server.host of the config', async () => {
  assert.is(await servedAt([GATI_BIN, 'start', '.'], UNSET), `http://127.0.0.2:${configPort}`);
  assert.is(await servedAt(['dist/server.mjs'], UNSET), `http://127.0.0.2:${configPort}`);
});

test('gati start: PORT and HOST win over the config, --port and --host over both', async () => {
  const envPort = await freePort();
  assert.is(await servedAt([GATI_BIN, 'start', '.'], { PORT: String(envPort), HOST: '127.0.0.3' }), `http://127.0.0.3:${envPort}`);
  const flagPort = await freePort();
  assert.is(await servedAt([GATI_BIN, 'start', '.', '--port', String(flagPort), '--host', '127.0.0.1'], { PORT: String(envPort), HOST: '127.0.0.3' }), `http://127.0.0.1:${flagPort}`);
});

test('gati dev listens on the config\'s server.port and server.host, PORT and --port win', async () => {
  assert.match(await servedAt([GATI_BIN, 'dev', '.'], UNSET), `http://127.0.0.2:${configPort}`);
  const envPort = await freePort();
  assert.match(await servedAt([GATI_BIN, 'dev', '.'], { PORT: String(envPort), HOST: '' }), `http://127.0.0.2:${envPort}`);
  const flagPort = await freePort();
  assert.match(await servedAt([GATI_BIN, 'dev', '.', '--port', String(flagPort), '--host', '127.0.0.1'], { PORT: String(envPort), HOST: '127.0.0.3' }), `http://127.0.0.1:${flagPort}`);
});

test('a port in use is a one-line problem for gati start and gati dev, not an internal error', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = String((blocker.address() as { port: number }).port);
  try {
    for (const command of ['start', 'dev']) {
      const r = gatiSync([command, dir, '--port', taken, '--host', '127.0.0.1']);
      assert.is(r.status, 1, `gati ${command}: ${r.stderr}`);
      assert.match(r.stderr, `gati ${command}: port ${taken} is already in use; stop what listens there, or choose another with --port, PORT or server.port in gati.config`);
      assert.not.match(r.stderr, 'GATI9001');
    }
  } finally {
    blocker.close();
  }
});

test('gati dev in a folder without an app: the first build fails without talking of a last good build', () => {
  const empty = mkdtempSync(join(tmpdir(), 'gati-dev-empty-'));
  try {
    const r = gatiSync(['dev', empty]);
    assert.is(r.status, 1);
    assert.match(r.stderr, 'gati init');
    assert.match(r.stderr, 'gati dev: the first build failed');
    assert.not.match(r.stderr, 'last good build');
  } finally {
    removeDir(empty);
  }
});

test.run();
