// Builds a fixture app into a temp copy and runs its real server (`node dist/server.mjs`) on a free
// port, collecting its JSON log lines.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, fixture } from './paths.js';
import { engineArgs } from '../../model/engines.js';

export const GATI_BIN = join(REPO, 'bin/gati.mjs');

export interface Engine {
  name: 'node' | 'bun' | 'deno';
  executable: string;
  /** Put before the script: Deno's permissions, as `gati start` and the Dockerfile grant them. */
  args: string[];
}

/** The engines every serving test runs on; bun and deno come from their devDependencies. */
export const ENGINES: Engine[] = [
  { name: 'node', executable: process.execPath, args: [] },
  { name: 'bun', executable: join(REPO, 'node_modules/.bin/bun'), args: [] },
  { name: 'deno', executable: join(REPO, 'node_modules/.bin/deno'), args: engineArgs('deno') },
];

/** A temp copy of fixtures/<name>, without build outputs. */
export function copyFixture(name: string): string {
  return copyApp(name, fixture(name), (src) => !/[/\\](dist|node_modules)([/\\]|$)|\.gati[/\\]cache/.test(src));
}

/** `source` copied to a temp folder (the files `keep` accepts), with this repository's node_modules linked in. */
function copyApp(name: string, source: string, keep: (src: string) => boolean): string {
  const dir = mkdtempSync(join(tmpdir(), `gati-${name}-`));
  cpSync(source, dir, { recursive: true, filter: keep });
  // As in a real app, the packages gati brings (better-sqlite3, bullmq) are in node_modules.
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export function gatiSync(args: string[], cwd = REPO): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [GATI_BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

/** fixtures/<name> after a plain `gati build`, once per test process (removed when it exits). */
const builtFixtures = new Map<string, { dir: string; built: SpawnSyncReturns<string> }>();

/**
 * A temp copy of fixtures/<name> as `gati build <copy>` leaves it, and that build's result: the
 * fixture is built once per test process and copied for each caller, since tests write into their
 * app folder (run files, SQLite data, edits). For tests that build the fixture unchanged; a test
 * that edits the app or its config before building still builds its own copyFixture().
 */
export function builtFixtureCopy(name: string): { dir: string; built: SpawnSyncReturns<string> } {
  let source = builtFixtures.get(name);
  if (!source) {
    const dir = copyFixture(name);
    source = { dir, built: gatiSync(['build', dir]) };
    builtFixtures.set(name, source);
    process.once('exit', () => removeDir(dir));
  }
  const from = source.dir;
  return { dir: copyApp(name, from, (src) => src !== join(from, 'node_modules')), built: source.built };
}

export interface RunningApp {
  url: string;
  child: ChildProcess;
  logs: Record<string, unknown>[];
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `command` with PORT=0 (and ADMIN_PORT=0) and waits for the "listening" log line (or a "serving on" line). */
export function runServer(command: string[], cwd: string, env: Record<string, string> = {}, executable = process.execPath): Promise<RunningApp> {
  return new Promise((resolve, reject) => {
    if (!existsSync(executable)) return reject(new Error(`${executable} is missing: run npm ci (bun and deno are devDependencies)`));
    // ADMIN_PORT=0: servers of tests running at once must not fight over the admin port's default.
    const child = spawn(executable, command, { cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_PORT: '0', LOG_LEVEL: 'info', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs: Record<string, unknown>[] = [];
    let text = '';
    let buffer = '';
    let done = false;
    const timer = setTimeout(() => finish(new Error(`server did not start:\n${text}`)), 60_000);
    const finish = (error?: Error, url?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        child.kill('SIGKILL');
        reject(error);
        return;
      }
      resolve({
        url: url!,
        child,
        logs,
        output: () => text,
        stop: (signal = 'SIGTERM') => new Promise((res) => {
          if (child.exitCode !== null) return res(child.exitCode);
          child.once('exit', (code) => res(code));
          child.kill(signal);
        }),
      });
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') finish(undefined, String(entry.url));
        } catch {
          const m = /serving on (http:\/\/\S+)/.exec(line);
          if (m) finish(undefined, m[1]);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => finish(new Error(`server exited with ${code}:\n${text}`)));
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
