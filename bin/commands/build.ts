// gati build [dir]: analyze the app and write .gati/model.json and dist/schemas/.
import { relative } from 'node:path';
import { buildApp } from '../../compiler/build.js';
import { writeArtifacts } from '../../compiler/write-artifacts.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';
import { MissingInfraDependencyError } from '../../emitters/infra-aws/index.js';

export async function buildCommand(root: string, term: Terminal, json: boolean): Promise<number> {
  term.progress(`gati build: analyzing ${relative(process.cwd(), root) || '.'}…`);
  let result;
  try {
    result = await buildApp(root);
  } catch (error) {
    if (error instanceof MissingInfraDependencyError) {
      term.error(`gati build: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const failed = reportDiagnostics(result.diagnostics, root, term, json);
  if (failed) return 1;
  const { written } = writeArtifacts(root, result.artifacts);
  const m = result.model;
  const ms = Math.round(result.stats.configMs + result.stats.programMs + result.stats.analyzeMs + result.stats.emitMs);
  const where = relative(process.cwd(), root) || '.';
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  term.info(`${term.style.bold('gati build')} ${m.app.name}: ${count(m.routes.length, 'route')}, ${count(m.modules.length, 'module')}, ${count(m.effects.length, 'effect')}, ${count(Object.keys(m.types).length, 'named type')} in ${ms} ms`);
  term.info(`  model    ${where}/.gati/model.json`);
  term.info(`  schemas  ${where}/dist/schemas/ (${result.artifacts.filter((a) => a.path.startsWith('dist/schemas/')).length} files)`);
  const infra = result.artifacts.filter((a) => a.path.startsWith('infra/')).length;
  if (infra) term.info(`  infra    ${where}/infra/ (${infra} files: ${Object.keys(result.config.deploy ?? {}).sort().join(', ')}), ${where}/dist/Dockerfile`);
  term.info(`  ${written.length} file${written.length === 1 ? '' : 's'} written, ${result.artifacts.length - written.length} unchanged`);
  return 0;
}
