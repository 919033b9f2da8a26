// dist/Dockerfile: the app's production image. Built from the app root
// (`docker build -f dist/Dockerfile .`): BuildKit then reads dist/Dockerfile.dockerignore; the same
// allow-list is written as dist/.dockerignore for builds whose context is dist/'s parent under another name.
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { CONFIG_DEFAULTS, PROCESS_DEFAULTS } from '../../runtime-shim/defaults.js';
import { ENGINE_IMAGES, engineArgs, type Runtime } from '../../model/engines.js';

export function emitDocker(port: number = CONFIG_DEFAULTS.server.port, runtime: Runtime = CONFIG_DEFAULTS.runtime): Artifact[] {
  const { image, user } = ENGINE_IMAGES[runtime];
  const probe = `fetch('http://127.0.0.1:'+(process.env.PORT||${port})+'/_health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  // The probe is a one-line fetch: the slim images have no curl.
  const healthcheck = runtime === 'node' ? ['node', '-e', probe] : runtime === 'bun' ? ['bun', '-e', probe] : ['deno', 'eval', probe];
  // The image runs the launcher itself: no gati CLI, no compiler in the image (the launcher takes
  // `gati start`'s flags, which the Kubernetes manifests pass). Deno's cache goes to /tmp: the
  // Kubernetes pods run with a read-only root filesystem and /tmp mounted.
  const entrypoint = [runtime, ...engineArgs(runtime), 'dist/server.mjs'];
  const dockerfile = `# syntax=docker/dockerfile:1
# ${GENERATED_HEADER}
# Build from the app root: docker build -f dist/Dockerfile -t <repository>:<tag> .
# Engine: ${runtime} (the config's \`runtime\`, or \`gati build --target\`).

# 1. the app's dependencies from the lockfile when there is one (dev ones too: gati may be one of
#    them), then only what dist/ needs at run time, copied to /runtime: the app's own dependencies
#    and Gati's runtime ones, never the compiler, esbuild or cdk8s that built dist/.
FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json* npm-shrinkwrap.json* ./
RUN if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
COPY dist ./dist
RUN node_modules/.bin/gati runtime-deps . --out /runtime

# 2. the runtime: those packages + dist/, owned by root and run as an unprivileged user
FROM ${image}
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${port}${runtime === 'deno' ? ' DENO_DIR=/tmp/deno-dir' : ''}
COPY --from=deps /runtime/node_modules ./node_modules
COPY package.json ./
COPY dist ./dist
USER ${user}
# The app's port, and the admin port that serves /metrics (ADMIN_PORT; keep it off the public internet).
EXPOSE ${port} ${PROCESS_DEFAULTS.adminPort}
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 CMD ${JSON.stringify(healthcheck)}
# Arguments are \`gati start\`'s: [start] [--role all|api|worker] [--workers n|auto] [--port n]
ENTRYPOINT ${JSON.stringify(entrypoint)}
`;
  const ignore = `# ${GENERATED_HEADER}
# An allow-list: only what the image needs enters the build context (never .env, .git or secrets).
**
!package.json
!package-lock.json
!npm-shrinkwrap.json
!dist/**
`;
  return [
    { path: 'dist/Dockerfile', contents: dockerfile },
    { path: 'dist/.dockerignore', contents: ignore },
    { path: 'dist/Dockerfile.dockerignore', contents: ignore },
  ];
}
