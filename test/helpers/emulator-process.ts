// An emulator as a child process of the test: started on a free loopback port, ready when its output
// says so, stopped by its own process id (with its process group: gcloud starts the Java emulator
// as a child of its own). The emulator helpers start theirs once per test process and keep it for
// every later suite (a JVM start costs seconds); it ends when the test process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

export interface EmulatorProcess {
  child: ChildProcess;
  /** The output up to and with the line that said it was ready. */
  output: string;
}

/** Spawns `command` in a process group of its own and resolves once a line of its output matches `ready`. */
export async function startEmulator(command: string, args: string[], ready: RegExp, timeoutMs = 60_000): Promise<EmulatorProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} was not ready after ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    });
  });
  // Keep reading (a full pipe would block the emulator), but let the test process exit.
  child.stdout!.resume();
  child.stderr!.resume();
  endsWithThisProcess(child, true);
  return { child, output };
}

/**
 * Lets the test process exit while `child` runs, and kills it (its process group when `group`)
 * as the test process exits: emulators keep their data in memory, so SIGKILL loses nothing.
 */
export function endsWithThisProcess(child: ChildProcess, group: boolean): void {
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  process.once('exit', () => {
    if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

/** SIGTERM, then SIGKILL after `graceMs` (azurite waits for idle keep-alive connections to close; its data is in memory anyway). */
export async function stopEmulator(emulator: EmulatorProcess | undefined, graceMs = 2000): Promise<void> {
  const child = emulator?.child;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise((r) => child.once('exit', r));
  child.ref(); // wait for it to end
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name); // the group this child leads: gcloud and the JVM it started
    } catch {
      child.kill(name);
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
