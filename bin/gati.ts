// The gati CLI: argv → command. The only layer that touches the terminal (with commands/*).
// Each command's code is imported only when that command runs: `gati start` in a pod must not
// load the TypeScript compiler, esbuild and cdk8s that `gati build` needs (bench/startup.mjs).
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTerminal, type Terminal } from './terminal.js';
import { formatConfigError, isEffectsConfigError } from '../runtime-shim/effects/effects-config.js';
import { closest } from '../compiler/closest-name.js';

const HELP = `gati: a whole-program compiler for TypeScript backends

Usage: gati <command> [dir] [options]

Commands:
  init <dir>          write a new app into <dir> (refused when <dir> is not empty, unless --force)
  build [dir]         analyze the app; write .gati/model.json, dist/ (server bundle, validators, router, schemas,
                      openapi.json), .gati/generated/ (context.ts, client.ts), sdk/<app>-<semver>.tgz and infra/
  start [dir]         serve the built app (dist/server.mjs); --port/PORT, --host/HOST (0.0.0.0), --workers N|auto
  dev [dir]           build, serve and reload on every save without dropping requests (--port, --host 127.0.0.1)
  watch [dir]         rebuild on every save (only what changed is re-analyzed and re-emitted)
  deploy <env> [dir]  build, then apply infra/<env> with kubectl/cdk/az/docker or the custom scripts
  generate [dir]      write only .gati/generated/ and the SDK tarball
  routes [dir]        print the route table as a tree, with each route's file
  explain <code>      explain a diagnostic code (e.g. gati explain GATI2003)
  versions [dir]      list the API versions in .gati/versions/ (semver, timestamp, summary)
  versions diff [from] [to]   the classified changes between two versions (semver, timestamp or "current")
  versions new "<description>" [dir]   scaffold a version change file in src/versions/
  effects [dir]       jobs per effect and status (effects dead [dir]: dead jobs with their last error;
                      effects retry <id> [dir]: run a dead job again)
  playground run [dir]   run the app's flows (playground/<name>.flow.json) against a running server: each step's
                      scripts and the check of its response against the route's declared type; exit 1 when a
                      check fails, 2 when a flow file is bad (--flow, --base-url, --reporter junit, --out)
  playground export <name> [dir]   write the flow as a node:test file (fetch and node:assert, no Gati;
                      default playground/<name>.test.mjs, or --out <file>)
  control enroll [dir] --user <name> [--base-url <url>]   print a one-time link (15 minutes) where that user
                      registers a passkey or a TOTP app for the control panel at /_control
  control users [dir] the control panel's users; control revoke <user> [dir]: remove one, ending their sessions
  runtime-deps [dir] --out <folder>   copy only what dist/ needs at run time (the app's dependencies and
                      Gati's runtime ones, not the compiler) into <folder>/node_modules; dist/Dockerfile runs it

Options:
  --format <fmt>      diagnostics as "text" (default) or "json"
  --silent            print nothing but problems
  --verbose           build, generate, deploy, dev, watch: print the time each build stage took
  -p, --port <n>      port for start and dev (default PORT, else server.port of gati.config, else 3000)
  --host <h>          host for start and dev (default HOST, else server.host, else 0.0.0.0; dev 127.0.0.1)
  --workers <n|auto>  start: server processes (node:cluster)
  --role <r>          start: all (default: routes and effect jobs), api (routes only) or worker (jobs only)
  --admin-port <n|off> start: the port of GET /metrics (default ADMIN_PORT, else 9464; 0: a free one; off: no
                      metrics)
  --target <engine>   build: the engine to build for, node, bun or deno (default: the config's runtime, else node)
  --no-typecheck      build: skip TypeScript's own errors (by default they fail the build, as tsc reports them)
  --runtime <engine>  start: serve on node, bun or deno instead of the build's target (bun and deno from
                      node_modules/.bin, the app's then gati's, else the PATH)
  --dry-run           deploy: print the commands and the diff against the last deployment
  --rollback          deploy: re-apply the previous deployment of <env>
  --skip-image        deploy: do not build and push the image (CI did)
  --force             init: write into a folder that is not empty
  --gati <spec>       init: the gati dependency to write (default: file:<this gati> for a checkout or link,
                      else ^<version>)
  --dir <path>        the app root for 'versions diff' and 'versions new'
  --flow <name>       playground run: only playground/<name>.flow.json (default: every flow)
  --base-url <url>    playground run: the server to send the flows' requests to (default BASE_URL, else
                      http://127.0.0.1:PORT, else http://127.0.0.1:3000); control enroll: where the panel is
                      reached (default http://localhost:<server.port>)
  --reporter <r>      playground run: "human" (default) or "junit" (JUnit XML on stdout, or in --out <file>)
  --out <file>        runtime-deps: the folder to fill; playground run: the JUnit file; playground export:
                      the test file
  --user <name>       control enroll: the user the link enrolls
  -h, --help          show this help
  -v, --version       print the version

[dir] is the app root (default: the current folder).
Docs: README.md and docs/ (start with docs/getting-started.md); diagnostic codes: docs/diagnostics.md`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      silent: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      rollback: { type: 'boolean', default: false },
      'skip-image': { type: 'boolean', default: false },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      workers: { type: 'string' },
      role: { type: 'string' },
      'admin-port': { type: 'string' },
      runtime: { type: 'string' },
      target: { type: 'string' },
      force: { type: 'boolean', default: false },
      gati: { type: 'string' },
      out: { type: 'string' },
      user: { type: 'string' },
      'base-url': { type: 'string' },
      'no-typecheck': { type: 'boolean', default: false },
      flow: { type: 'string' },
      reporter: { type: 'string' },
    },
  });
}

type Values = ReturnType<typeof parseOptions>['values'];

interface CommandArgs {
  /** The app root: the first positional after the command (default: the current folder). */
  dir: string;
  /** The positionals after the command. */
  rest: string[];
  values: Values;
  term: Terminal;
  json: boolean;
}

type CommandLoader = (args: CommandArgs) => Promise<number> | number;

/**
 * Every command, by name: each loads its module only when it runs (test/cli-lazy.test.ts). The
 * same table answers "did you mean" for an unknown name.
 */
const COMMANDS = {
  init: async ({ dir, values, term }) => (await import('./commands/init.js')).initCommand(dir, values, term),
  build: async ({ dir, values, term, json }) => (await import('./commands/build.js')).buildCommand(dir, term, json, values.target, !values['no-typecheck']),
  generate: async ({ dir, term, json }) => (await import('./commands/generate.js')).generateCommand(dir, term, json),
  routes: async ({ dir, term, json }) => (await import('./commands/routes.js')).routesCommand(dir, term, json),
  explain: async ({ rest, term }) => (await import('./commands/explain.js')).explainCommand(rest[0], term),
  start: async ({ dir, values, term }) => (await import('./commands/start.js')).startCommand(dir, values, term),
  watch: async ({ dir, term }) => (await import('./commands/watch.js')).watchCommand(dir, term),
  dev: async ({ dir, values, term }) => (await import('./commands/dev.js')).devCommand(dir, values, term),
  deploy: async ({ rest, values, term, json }) =>
    (await import('./commands/deploy.js')).deployCommand(resolve(rest[1] ?? '.'), rest[0], { dryRun: values['dry-run'], rollback: values.rollback, skipImage: values['skip-image'] }, term, json),
  versions: async ({ rest, values, term, json }) => (await import('./commands/versions.js')).versionsCommand(rest, values.dir && resolve(values.dir), term, json),
  effects: async ({ rest, term, json }) => (await import('./commands/effects.js')).effectsCommand(rest, term, json),
  control: async ({ rest, values, term, json }) => (await import('./commands/control.js')).controlCommand(rest, { user: values.user, baseUrl: values['base-url'] }, term, json),
  'runtime-deps': async ({ dir, values, term }) => (await import('./commands/runtime-deps.js')).runtimeDepsCommand(dir, values.out, term),
  playground: async ({ rest, values, term }) => (await import('./commands/playground.js')).playgroundCommand(rest, values, term),
} satisfies Record<string, CommandLoader>;

type CommandName = keyof typeof COMMANDS;

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    process.stderr.write(`gati: ${(error as Error).message}\nRun 'gati --help' for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return command || values.help ? 0 : 2;
  }
  if (values.format !== 'text' && values.format !== 'json') {
    process.stderr.write(`gati: --format must be "text" or "json", got "${values.format}"\n`);
    return 2;
  }
  const json = values.format === 'json';
  const term = createTerminal({ silent: values.silent, json, verbose: values.verbose });
  const dir = resolve(rest[0] ?? '.');
  try {
    const run: CommandLoader | undefined = Object.hasOwn(COMMANDS, command) ? COMMANDS[command as CommandName] : undefined;
    if (!run) {
      const near = closest(command, Object.keys(COMMANDS));
      term.error(`gati: unknown command '${command}'.${near ? ` Did you mean '${near}'?` : ''} Run 'gati --help' for the list.`);
      return 2;
    }
    return await run({ dir, rest, values, term, json });
  } catch (error) {
    // A configuration problem found while starting (GATI4020 in `gati dev`, say) is the user's to fix.
    if (isEffectsConfigError(error)) {
      term.error(formatConfigError(error));
      return 1;
    }
    return internalError(error, term);
  }
}

/** A crash inside Gati: say so plainly (GATI9001) and ask for a report, with the stack for the report. */
function internalError(error: unknown, term: Terminal): number {
  const stack = error instanceof Error ? error.stack ?? error.message : String(error);
  term.error(`error GATI9001: internal error in gati ${version()}: ${error instanceof Error ? error.message : String(error)}\n\n  This is a bug in Gati, not in your code. Please report it with this output:\n\n${stack}`);
  return 3;
}
