// Prints a phase's diagnostics as text (tsc style) or JSON, and tells whether the phase failed.
import { relative } from 'node:path';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { formatDiagnostic, formatSummary } from '../../compiler/diagnostics/format.js';
import type { Terminal } from '../terminal.js';

export function reportDiagnostics(diagnostics: Diagnostic[], term: Terminal, json: boolean): boolean {
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (json) {
    term.data(JSON.stringify({ ok: !failed, diagnostics }, null, 2));
    return failed;
  }
  if (diagnostics.length === 0) return false;
  term.error(diagnostics.map((d) => formatDiagnostic(d, term.style)).join('\n\n') + '\n');
  term.error(formatSummary(diagnostics));
  return failed;
}

/** esbuild could not bundle the server: an import that does not resolve, a syntax esbuild refuses. */
export function reportBundleErrors(errors: { text: string; file?: string; line?: number; column?: number }[], root: string, term: Terminal): number {
  for (const e of errors) {
    const where = e.file ? `${relative(root, e.file) || e.file}:${e.line}:${e.column} - ` : '';
    term.error(`${where}error GATI9002: the server bundle failed: ${e.text}`);
  }
  return 1;
}
