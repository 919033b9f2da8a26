// Prints diagnostics like tsc: `src/handlers/x.ts:12:5 - error GATI1004: message`, a code frame,
// notes (each with its own frame) and a hint. `compact` is the first line only (used by tests and
// `--format compact`). Frames come from the lines the diagnostic copied when it was made: printing
// reads no file, so a file saved again since the analysis cannot shift the frame.
import type { Diagnostic } from './diagnostic.js';
import type { SourceLocation } from './location.js';

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
}

const identity = (s: string) => s;
export const PLAIN: Style = { red: identity, green: identity, yellow: identity, cyan: identity, gray: identity, bold: identity };
export const ANSI: Style = {
  red: (s) => `\x1b[31m${s}\x1b[39m`,
  green: (s) => `\x1b[32m${s}\x1b[39m`,
  yellow: (s) => `\x1b[33m${s}\x1b[39m`,
  cyan: (s) => `\x1b[36m${s}\x1b[39m`,
  gray: (s) => `\x1b[90m${s}\x1b[39m`,
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
};

export function formatCompact(d: Diagnostic): string {
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.column} - ` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}`;
}

export function formatDiagnostic(d: Diagnostic, style: Style = PLAIN): string {
  const where = d.span ? `${style.cyan(d.span.file)}:${style.yellow(String(d.span.line))}:${style.yellow(String(d.span.column))} - ` : '';
  const severity = d.severity === 'error' ? style.red('error') : style.yellow('warning');
  const lines = [`${where}${severity} ${style.gray(d.code)}: ${d.message}`];
  const frame = d.span ? codeFrame(d.span, style) : undefined;
  if (frame) lines.push('', frame);
  for (const note of d.notes) {
    lines.push('', `  ${note.span ? `${style.cyan(note.span.file)}:${note.span.line}:${note.span.column} - ` : ''}${note.message}`);
    const noteFrame = note.span ? codeFrame(note.span, style) : undefined;
    if (noteFrame) lines.push(noteFrame);
  }
  if (d.hint) lines.push('', `  ${style.bold('hint:')} ${d.hint}`);
  return lines.join('\n');
}

export function formatSummary(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  const files = new Set(diagnostics.map((d) => d.span?.file).filter(Boolean)).size;
  return `Found ${parts.join(' and ')}${files ? ` in ${files} file${files === 1 ? '' : 's'}` : ''}.`;
}

/** The offending line with its neighbours and a `~~~` underline, as tsc draws it. */
function codeFrame(at: SourceLocation, style: Style): string | undefined {
  if (at.lineText === undefined) return undefined;
  const { line, column } = at;
  const width = String(at.nextLine !== undefined ? line + 1 : line).length;
  const row = (n: number, text: string) => `${n === line ? style.red('>') : ' '} ${style.gray(`${String(n).padStart(width)} | `)}${text}`;
  const out: string[] = [];
  if (at.previousLine !== undefined) out.push(row(line - 1, at.previousLine));
  out.push(row(line, at.lineText));
  const span = Math.max(1, Math.min(at.length, at.lineText.length - column + 1));
  out.push(`  ${' '.repeat(width)}${style.gray(' | ')}${' '.repeat(Math.max(0, column - 1))}${style.red('~'.repeat(span))}`);
  if (at.nextLine !== undefined) out.push(row(line + 1, at.nextLine));
  return out.join('\n');
}
