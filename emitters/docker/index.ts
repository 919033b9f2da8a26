// dist/Dockerfile: the app's production image. Built from the app root
// (`docker build -f dist/Dockerfile .`): BuildKit then reads dist/Dockerfile.dockerignore; the same
// allow-list is written as dist/.dockerignore for builds whose context is dist/'s parent under another name.
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { DEFAULT_PORT } from '../infra/plan.js';

export function emitDocker(port: number = DEFAULT_PORT): Artifact[] {
  const healthcheck = `fetch('http://127.0.0.1:'+(process.env.PORT||${port})+'/_health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  const dockerfile = `# syntax=docker/dockerfile:1
# ${GENERATED_HEADER}
# Build from the app root: docker build -f dist/Dockerfile -t <repository>:<tag> .

# 1. production dependencies only, from the lockfile when there is one
FROM node:20-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json* npm-shrinkwrap.json* ./
RUN if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then npm ci --omit=dev --no-audit --no-fund; else npm install --omit=dev --no-audit --no-fund; fi \\
  && npm cache clean --force

# 2. the runtime: node_modules + dist/, owned by root and run as an unprivileged user
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${port}
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY dist ./dist
USER 1000:1000
EXPOSE ${port}
STOPSIGNAL SIGTERM
# node:20-slim has no curl: the probe is a one-line fetch
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 CMD ["node", "-e", "${healthcheck}"]
ENTRYPOINT ["node_modules/.bin/gati"]
CMD ["start"]
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
