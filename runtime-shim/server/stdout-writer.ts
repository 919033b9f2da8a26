// The process's one buffered stdout writer, flushed synchronously however the process ends: a normal
// exit or process.exit() (graceful SIGTERM/SIGINT shutdown ends in one, in every cluster worker
// too), an uncaught exception or unhandled rejection (Node and Bun run 'exit' listeners after them;
// Deno does not, but dispatches 'error' / 'unhandledrejection' on globalThis first).
import cluster from 'node:cluster';
import { LineWriter } from './line-writer.js';

let writer: LineWriter | undefined;

export function stdoutWriter(): LineWriter {
  if (writer) return writer;
  // Node and Bun open a pipe on stdout in non-blocking mode once process.stdout exists (console.log
  // creates it too): then a slow reader makes write(2) answer EAGAIN, which the writer retries later,
  // instead of blocking the event loop until the reader catches up.
  void process.stdout;
  const created = new LineWriter(1, { sharedPipe: cluster.isWorker });
  const flush = () => created.flushSync();
  process.on('exit', flush);
  const scope = globalThis as { addEventListener?: (type: string, listener: () => void) => void; Deno?: unknown };
  if (scope.Deno !== undefined && scope.addEventListener) {
    scope.addEventListener('error', flush);
    scope.addEventListener('unhandledrejection', flush);
  }
  return (writer = created);
}
