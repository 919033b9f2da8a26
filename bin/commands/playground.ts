// gati playground run [dir] [--flow <name>] [--base-url <url>] [--reporter junit] [--out <file>]:
// runs the app's flows (playground/<name>.flow.json) against a running server, headless; exit 1
// when a check fails, 2 when a flow file is bad.
// gati playground export <name> [dir] [--out <file>]: writes the flow as a node:test file.
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Terminal } from '../terminal.js';
import { closest } from '../../compiler/closest-name.js';
import { formatProblem, type FlowProblem } from '../../playground/flow/validate-flow.js';
import type { Flow } from '../../playground/flow/flow.js';
import type { FlowResult } from '../../playground/flow/flow-result.js';
import { runFlow } from '../../playground/flow/run-flow.js';
import { exportFlow } from '../../playground/flow/export-flow.js';
import { loadSandbox } from '../../playground/sandbox/run-script.js';
import { flowPath, listFlows, readFlow } from '../../playground/node/flow-files.js';
import { junitReport, stepLines, summaryLine } from './playground-report.js';
import { loadResponseTypes, markBuilt, staleBuild } from './playground-types.js';

const GATI_BIN = fileURLToPath(new URL('../../../bin/gati.mjs', import.meta.url));

export interface PlaygroundFlags {
  flow?: string;
  'base-url'?: string;
  reporter?: string;
  out?: string;
}

const USAGE = 'usage: gati playground run [dir] [--flow <name>] [--base-url <url>] [--reporter junit] | gati playground export <name> [dir] [--out <file>]';

export async function playgroundCommand(rest: string[], flags: PlaygroundFlags, term: Terminal): Promise<number> {
  const [sub, ...args] = rest;
  if (sub === 'run') return runCommand(resolve(args[0] ?? '.'), flags, term);
  if (sub === 'export') return exportCommand(args[0], resolve(args[1] ?? '.'), flags, term);
  const near = sub ? closest(sub, ['run', 'export']) : undefined;
  term.error(`gati playground: ${sub ? `unknown subcommand '${sub}'.${near ? ` Did you mean '${near}'?` : ''}` : 'which one?'}\n${USAGE}`);
  return 2;
}

/** The flows to run, each read and checked; the problems of all of them otherwise. */
function readFlows(root: string, only: string | undefined): { flows: { name: string; flow: Flow }[]; problems: FlowProblem[] } {
  const names = only ? [only] : listFlows(root);
  const flows: { name: string; flow: Flow }[] = [];
  const problems: FlowProblem[] = [];
  for (const name of names) {
    const read = readFlow(root, name);
    if (read.flow) flows.push({ name, flow: read.flow });
    else problems.push(...read.problems);
  }
  return { flows, problems };
}

async function runCommand(root: string, flags: PlaygroundFlags, term: Terminal): Promise<number> {
  if (flags.reporter !== undefined && flags.reporter !== 'junit' && flags.reporter !== 'human') {
    term.error(`gati playground run: --reporter must be "human" or "junit", got "${flags.reporter}"`);
    return 2;
  }
  const junit = flags.reporter === 'junit';
  const { flows, problems } = readFlows(root, flags.flow);
  if (!flows.length && !problems.length) {
    term.error(`gati playground run: no flows in ${relative(process.cwd(), resolve(root, 'playground')) || '.'} (save one from the control panel's playground, or write playground/<name>.flow.json)`);
    return 2;
  }
  // The type check needs a fresh build: build first when dist/ is missing or older than the sources.
  const stale = problems.length ? null : staleBuild(root);
  if (stale) {
    process.stderr.write(`gati playground: building ${relative(process.cwd(), root) || '.'} first (${stale})\n`);
    // In its own process: the compiler's heap would stay in this one, and its garbage collections land in the scripts' 100 ms.
    const built = spawnSync(process.execPath, [GATI_BIN, 'build', root, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) return 1;
    markBuilt(root);
  }
  const types = problems.length ? undefined : await loadResponseTypes(root);
  for (const { name, flow } of flows) {
    flow.steps.forEach((step, i) => {
      if (types && !types.routes.includes(step.route)) {
        const near = closest(step.route, types.routes);
        problems.push({ file: relative(root, flowPath(root, name)), pointer: `/steps/${i}/route`, message: `the app has no route ${step.route}${near ? ` (did you mean ${near}?)` : ''}` });
      }
    });
  }
  if (problems.length) {
    term.error(problems.map(formatProblem).join('\n'));
    return 2;
  }
  const baseUrl = flags['base-url'] ?? process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const sandbox = await loadSandbox();
  const results: FlowResult[] = [];
  const print = junit && !flags.out ? () => {} : (line: string) => term.info(line);
  for (const { name, flow } of flows) {
    print(`${term.style.bold(name)} ${term.style.gray(`${relative(root, flowPath(root, name))} → ${baseUrl}`)}`);
    results.push(await runFlow(flow, name, { baseUrl, sandbox, checkResponse: types!.check, onEvent: (event) => event.type === 'step' && stepLines(event.step, term.style).forEach(print) }));
  }
  print(summaryLine(results, term.style));
  if (junit) {
    const xml = junitReport(results);
    if (flags.out) writeFileSync(resolve(flags.out), xml);
    else process.stdout.write(xml);
  }
  return results.every((r) => r.passed) ? 0 : 1;
}

function exportCommand(name: string | undefined, root: string, flags: PlaygroundFlags, term: Terminal): number {
  if (!name) {
    term.error(`gati playground export: which flow? ${USAGE}`);
    return 2;
  }
  const read = readFlow(root, name);
  if (!read.flow) {
    term.error(read.problems.map(formatProblem).join('\n'));
    return 2;
  }
  const out = flags.out ? resolve(flags.out) : resolve(root, 'playground', `${name}.test.mjs`);
  writeFileSync(out, exportFlow(read.flow, { name, source: relative(root, flowPath(root, name)) }));
  term.info(`  test  ${relative(process.cwd(), out)}  (run: BASE_URL=http://127.0.0.1:3000 node --test ${relative(process.cwd(), out)})`);
  return 0;
}
