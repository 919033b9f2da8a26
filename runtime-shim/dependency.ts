// Gati's runtime loads its own npm dependencies (the SQLite driver, BullMQ, ioredis) through this
// module, never with a bare `import`: esbuild would leave a bare import in dist/app.mjs, and Node
// would then look for it beside the app (`app/node_modules`), where only a hoisted registry install
// puts it. A folder install, `npm link` or pnpm's isolated layout keep Gati's dependencies beside
// the gati package instead, so they are resolved from there: the app's `gati` (its package.json,
// through the app's node_modules) and, from its real location, its own dependencies.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Every package the runtime may load at run time, and what needs it. The production image
 * (`gati runtime-deps`) copies these beside the app's own dependencies, so a new runtime
 * dependency is one more entry here.
 */
export const RUNTIME_DEPENDENCIES = {
  /** The embedded effects backend on Node (Bun and Deno use their node:sqlite). */
  'better-sqlite3': { engines: ['node'] },
  /** The Redis effects backend. */
  bullmq: { engines: ['node', 'bun', 'deno'] },
  ioredis: { engines: ['node', 'bun', 'deno'] },
  /** WebSocket routes on the node:http engine (Bun and Deno upgrade natively). */
  ws: { engines: ['node'] },
  /** Prometheus metrics on the admin port (runtime-shim/metrics/). */
  'prom-client': { engines: ['node', 'bun', 'deno'] },
  /**
   * Tracing (runtime-shim/tracing/), loaded only when an OTLP endpoint is set: the API alone (spans
   * are recorded and encoded as OTLP by Gati itself: docs/observability.md).
   */
  '@opentelemetry/api': { engines: ['node', 'bun', 'deno'] },
  /** The control panel's login (runtime-shim/control/auth/), loaded when the panel is used: passkeys, */
  '@simplewebauthn/server': { engines: ['node', 'bun', 'deno'] },
  /** TOTP codes, */
  otpauth: { engines: ['node', 'bun', 'deno'] },
  /** and the TOTP enrollment's QR code as SVG. */
  uqr: { engines: ['node', 'bun', 'deno'] },
} as const;

export type RuntimeDependency = keyof typeof RUNTIME_DEPENDENCIES;

let gatiRequire: NodeRequire | undefined;

/**
 * A require() that resolves from the gati package the app uses, else from here. Here is
 * dist/app.mjs in a bundle (a production image carries Gati's runtime dependencies in the app's
 * node_modules), or lib/runtime-shim when Gati runs unbundled (its tests, `gati effects`).
 */
function requireFromGati(): NodeRequire {
  if (gatiRequire) return gatiRequire;
  const here = createRequire(import.meta.url);
  try {
    // require.resolve follows symlinks, so pnpm's and `npm link`'s gati resolves from its real folder.
    gatiRequire = createRequire(here.resolve('gati/package.json'));
  } catch {
    gatiRequire = here;
  }
  return gatiRequire;
}

/** Loads one of Gati's runtime dependencies (CommonJS, or ESM that require() loads) as its module object; `file`: one of its files instead. */
export function requireDependency<T>(name: RuntimeDependency, file?: string): T {
  return requireFromGati()(file === undefined ? name : `${name}/${file}`) as T;
}

/**
 * Packages a backend needs only when an app configures it (the cloud queues). They are optional peer
 * dependencies of gati, so an app on SQLite or Redis installs none of them; the app that selects
 * the backend installs them itself.
 */
export const OPTIONAL_RUNTIME_DEPENDENCIES = {
  /** effects.backend 'sqs': the queue. */
  '@aws-sdk/client-sqs': { for: "effects.backend 'sqs'" },
  /** effects.backend 'sqs': the job records (status, attempts, idempotency keys, dead jobs). */
  '@aws-sdk/client-dynamodb': { for: "effects.backend 'sqs'" },
  /** effects.backend 'pubsub': the queue. */
  '@google-cloud/pubsub': { for: "effects.backend 'pubsub'" },
  /** effects.backend 'pubsub': the job records. */
  '@google-cloud/firestore': { for: "effects.backend 'pubsub'" },
  /** effects.backend 'azure-queue': the queue. */
  '@azure/storage-queue': { for: "effects.backend 'azure-queue'" },
  /** effects.backend 'azure-queue': the job records. */
  '@azure/data-tables': { for: "effects.backend 'azure-queue'" },
  /** effects.backend 'azure-queue' reached by AZURE_STORAGE_ACCOUNT: the Microsoft Entra ID token (Workload Identity). */
  '@azure/identity': { for: "effects.backend 'azure-queue' with AZURE_STORAGE_ACCOUNT" },
} as const;

export type OptionalRuntimeDependency = keyof typeof OPTIONAL_RUNTIME_DEPENDENCIES;

/** Loads an optional peer dependency, or says which package to install when the app has not. */
export function requireOptionalDependency<T>(name: OptionalRuntimeDependency): T {
  try {
    return requireFromGati()(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    try {
      // The app's own install (an optional peer is installed beside the app, not inside gati).
      return createRequire(join(process.cwd(), 'package.json'))(name) as T;
    } catch {
      throw new Error(`${OPTIONAL_RUNTIME_DEPENDENCIES[name].for} needs the npm package ${name}: run \`npm install ${name}\` in the app`);
    }
  }
}
