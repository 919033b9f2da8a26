// The TypeScript internals the analyzer reads or writes, in one place. None of them is in
// typescript.d.ts; each is checked against the installed compiler by test/private-apis.test.ts,
// which names this file when one moves.
//
// Pinned: typescript 6.0.3 (package.json, exact). After an upgrade, run that test first.
//
// - `Symbol.links.checkFlags & CheckFlags.Readonly` (8): a property made readonly by a mapped type
//   (`Readonly<T>`, `{ readonly [K in keyof T]: … }`) has no `readonly` modifier to read; only this
//   flag of the checker's transient symbol says so. If it moves, such properties lose `readOnly`
//   in the schemas and the OpenAPI document (and the client's `readonly`).
// - `Type.intrinsicName`: the name of `true`, `false`, `string`, `undefined`… types. Without it the
//   converter falls back to checker.typeToString (correct, slower, and it allocates).
// - `SourceFile.version`: TypeScript's incremental machinery (isProgramUptoDate, builder programs)
//   compares it to tell an unchanged file from an edited one; the analyzer's own file cache sets it
//   so that a program built over cached SourceFiles carries the versions those tools expect.
import ts from '../typescript.cjs';

/** CheckFlags.Readonly in TypeScript's internal CheckFlags enum. */
export const CHECK_FLAGS_READONLY = 8;

interface TransientSymbol {
  links?: { checkFlags?: number };
}

/** True when the checker marked the property readonly through a mapped type (`Readonly<T>`). */
export function isReadonlyByMappedType(prop: ts.Symbol): boolean {
  return (((prop as TransientSymbol).links?.checkFlags ?? 0) & CHECK_FLAGS_READONLY) !== 0;
}

/** The checker's name for an intrinsic type (`true`, `string`, `undefined`), or undefined for any other. */
export function intrinsicName(t: ts.Type): string | undefined {
  return (t as { intrinsicName?: string }).intrinsicName;
}

/** Stamps a SourceFile with the version TypeScript's incremental checks compare. */
export function setSourceFileVersion(sourceFile: ts.SourceFile, version: string): void {
  (sourceFile as { version?: string }).version = version;
}
