// gati build [dir]: analyze the app and write .gati/model.json, dist/, .gati/generated/ and sdk/.
import { relative } from 'node:path';
import { buildApp } from '../../compiler/build.js';
import { writeArtifacts } from '../../compiler/write-artifacts.js';
import type { Terminal } from '../terminal.js';
import { reportDiagnostics } from './report.js';

export async function buildCommand(root: string, term: Terminal, json: boolean): Promise<number> {
  term.progress(`gati build: analyzing ${relative(process.cwd(), root) || '.'}…`);
  const result = await buildApp(root);
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
  term.info(`  openapi  ${where}/dist/openapi.json`);
  term.info(`  types    ${where}/.gati/generated/ (context.ts, client.ts)`);
  for (const sdk of result.artifacts.filter((a) => a.path.startsWith('sdk/'))) term.info(`  sdk      ${where}/${sdk.path}`);
  term.info(`  ${written.length} file${written.length === 1 ? '' : 's'} written, ${result.artifacts.length - written.length} unchanged`);
  return 0;
}
