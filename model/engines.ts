// The engines a build can target and how each runs a script: one table for `gati start --runtime`,
// the Dockerfile emitter and the tests, so that what is tested is what ships.
export type Runtime = 'node' | 'bun' | 'deno';

export const RUNTIMES: readonly Runtime[] = ['node', 'bun', 'deno'];

export function isRuntime(value: string): value is Runtime {
  return (RUNTIMES as readonly string[]).includes(value);
}

/**
 * Deno's permissions for a Gati server: the network (listen, Redis), the environment (PORT, …),
 * files (the app, node_modules, the SQLite file under .gati/data) and system facts (os.cpus for
 * `--workers auto`), nothing else (no subprocesses, no FFI). --unstable-net allows SO_REUSEPORT,
 * which Deno.serve needs to share a port between `--workers`.
 */
export const DENO_RUN_ARGS = ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys', '--unstable-net'];

/** The arguments before the script: `bun <script>`, `deno run … <script>`. */
export function engineArgs(runtime: Runtime): string[] {
  return runtime === 'deno' ? DENO_RUN_ARGS : [];
}

/** The npm package that ships each non-Node engine's executable through the registry. */
export const ENGINE_PACKAGES: Record<Exclude<Runtime, 'node'>, string> = { bun: 'bun', deno: 'deno' };

/**
 * The runtime stage's base image per engine, pinned to the versions Gati is tested with (the
 * devDependencies): the official slim Node image, Bun's and Deno's own Debian images.
 */
export const ENGINE_IMAGES: Record<Runtime, { image: string; user: string }> = {
  node: { image: 'node:20-slim', user: '1000:1000' },
  bun: { image: 'oven/bun:1.4.4-slim', user: 'bun' },
  deno: { image: 'denoland/deno:debian-2.9.6', user: 'deno' },
};
