// gati explain GATI2003: the documentation of a diagnostic code (from docs/diagnostics.md).
import { readFileSync } from 'node:fs';
import { lookupCode } from '../../compiler/diagnostics/codes.js';
import type { Terminal } from '../terminal.js';

export const DIAGNOSTICS_DOC = new URL('../../../docs/diagnostics.md', import.meta.url);

/** The `## GATIxxxx` sections of docs/diagnostics.md by code. */
export function readDiagnosticDocs(): Map<string, string> {
  const text = readFileSync(DIAGNOSTICS_DOC, 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const code = /^(GATI\d{4})/.exec(part)?.[1];
    if (code) sections.set(code, `## ${part.trim()}`);
  }
  return sections;
}

export function explainCommand(code: string | undefined, term: Terminal): number {
  const entry = code ? lookupCode(code) : undefined;
  if (!code || !entry) {
    term.error(code ? `gati explain: unknown code '${code}'. Codes look like GATI2003; see docs/diagnostics.md.` : 'usage: gati explain <code>   (e.g. gati explain GATI2003)');
    return 1;
  }
  const doc = readDiagnosticDocs().get(entry.code);
  term.data(doc ?? `${entry.code}: ${entry.title}\n\n${entry.hint ?? ''}`);
  return 0;
}
