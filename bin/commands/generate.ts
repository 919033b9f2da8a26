// gati generate [dir]: analyze the app and write only the generated sources (.gati/generated/
// context.ts and client.ts) and the SDK tarball, without the rest of the build.
import { relative } from 'node:path';
import { buildApp } from '../../driver/build.js';
import { StageClock, write } from '../../driver/stages.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';
import { reportTimings } from './timings.js';

export async function generateCommand(root: string, term: Terminal, json: boolean): Promise<number> {
  term.progress(`gati generate: analyzing ${relative(process.cwd(), root) || '.'}…`);
  const result = await buildApp(root, { emit: 'generated', versions: 'warn', infra: false });
  if (reportDiagnostics(result.diagnostics, term, json)) return 1;
  const clock = new StageClock();
  const { written } = clock.time('write', () => write({ root, artifacts: result.artifacts }));
  const where = relative(process.cwd(), root) || '.';
  term.info(`${term.style.bold('gati generate')} ${result.model.app.name}`);
  for (const artifact of result.artifacts) term.info(`  ${where}/${artifact.path}`);
  term.info(`  ${written.length} file${written.length === 1 ? '' : 's'} written, ${result.artifacts.length - written.length} unchanged`);
  reportTimings(term, [...result.timings, ...clock.timings]);
  return 0;
}
