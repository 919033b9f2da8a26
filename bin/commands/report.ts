// Prints a phase's diagnostics as text (tsc style) or JSON, and tells whether the phase failed.
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { formatDiagnostic, formatSummary } from '../../compiler/diagnostics/format.js';
import type { Terminal } from '../terminal.js';

export function reportDiagnostics(diagnostics: Diagnostic[], root: string, term: Terminal, json: boolean): boolean {
  const failed = diagnostics.some((d) => d.severity === 'error');
  if (json) {
    term.data(JSON.stringify({ ok: !failed, diagnostics }, null, 2));
    return failed;
  }
  if (diagnostics.length === 0) return false;
  term.error(diagnostics.map((d) => formatDiagnostic(d, root, term.style)).join('\n\n') + '\n');
  term.error(formatSummary(diagnostics));
  return failed;
}
