// A diagnostic is structured like esbuild's messages and printed like tsc's (see format.ts).
import { CODES, type Code } from './codes.js';
import type { SourceLocation } from './location.js';

export type Severity = 'error' | 'warning';

export interface DiagnosticNote { message: string; span?: SourceLocation }

/** TypeScript's own errors keep tsc's code (`TS2339`), so users can look them up as they know them. */
export type TsCode = `TS${number}`;

export interface Diagnostic {
  code: Code | TsCode;
  severity: Severity;
  message: string;
  /** Where, with the line as it was analysed (see location.ts). */
  span?: SourceLocation;
  notes: DiagnosticNote[];
  hint?: string;
}

export interface DiagnosticInit {
  span?: SourceLocation;
  notes?: DiagnosticNote[];
  severity?: Severity;
  /** Overrides the registry's hint for this occurrence. */
  hint?: string;
}

export function diagnostic(code: Code, message: string, init: DiagnosticInit = {}): Diagnostic {
  return {
    code,
    severity: init.severity ?? 'error',
    message,
    span: init.span,
    notes: init.notes ?? [],
    hint: init.hint ?? CODES[code].hint,
  };
}

/** Collects every problem of a phase, so that the user sees all of them in one run. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  report(code: Code, message: string, init?: DiagnosticInit): void {
    this.add(diagnostic(code, message, init));
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Sorted by file, line, column, code: stable output whatever order the analysis ran in. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.span?.file ?? '', fb = b.span?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.span?.line ?? 0, lb = b.span?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.span?.column ?? 0, cb = b.span?.column ?? 0;
  if (ca !== cb) return ca - cb;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Thrown to abort a phase with diagnostics that have already been collected. */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.length} problem(s)`);
  }
}
