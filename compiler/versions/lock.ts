// A lock file created with O_EXCL ('wx'), so that two builds never mint two versions at once.
// The file holds the owner's pid, host and start time. A lock is stale when its owner is a dead
// process on this host, or when it is older than `staleMs` (a crashed build on another machine
// sharing the folder). A stale lock is taken over by renaming it away first: rename is atomic,
// so of two processes that both judge it stale only one removes it.
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOptions {
  /** Give up after this long (default 15 s). */
  timeoutMs?: number;
  /** A lock older than this is stale whoever holds it (default 60 s; a build holds it for milliseconds). */
  staleMs?: number;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function withLock<T>(lockFile: string, fn: () => T, options: LockOptions = {}): T {
  acquire(lockFile, options);
  try {
    return fn();
  } finally {
    try { unlinkSync(lockFile); } catch { /* already gone: taken over as stale */ }
  }
}

function acquire(lockFile: string, options: LockOptions): void {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  const staleMs = options.staleMs ?? 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(lockFile, staleMs)) {
      const aside = `${lockFile}.stale.${process.pid}`;
      try {
        renameSync(lockFile, aside);
        unlinkSync(aside);
      } catch { /* someone else took it over first */ }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another gati build holds ${lockFile} (${describe(lockFile)}); delete the file if no build is running`);
    sleep(Math.min(10 + attempt * 5, 100));
  }
}

function isStale(lockFile: string, staleMs: number): boolean {
  try {
    const age = Date.now() - statSync(lockFile).mtimeMs;
    if (age > staleMs) return true;
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid?: number; host?: string };
    if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
    try {
      process.kill(owner.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // being written or just removed: look again
  }
}

function describe(lockFile: string): string {
  try { return readFileSync(lockFile, 'utf8'); } catch { return 'gone'; }
}
