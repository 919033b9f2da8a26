import type ts from 'typescript';
import type { Span } from '../../model/gtype.js';
import { relPath } from '../discover/discover.js';
import { locate, locateOffset, type SourceLocation } from '../diagnostics/location.js';

/** Relative paths by absolute path: spans are made for every property, path.relative is not free. */
const relativePaths = new Map<string, string>();

function relativeFile(sf: ts.SourceFile, root: string): string {
  const cacheKey = `${root}\0${sf.fileName}`;
  let file = relativePaths.get(cacheKey);
  if (file === undefined) relativePaths.set(cacheKey, (file = relPath(root, sf.fileName)));
  return file;
}

/** 1-based line and column of a node's first token, with the file relative to the app root. */
export function spanOf(node: ts.Node, root: string): Span {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { file: relativeFile(sf, root), line: line + 1, column: character + 1 };
}

/** A diagnostic's location at a node, its line copied from the analysed text; `length` defaults to 1. */
export function locationOf(node: ts.Node, root: string, length = 1): SourceLocation {
  const sf = node.getSourceFile();
  return locate(spanOf(node, root), sf.text, length);
}

/** A diagnostic's location at a character offset of a source file (TypeScript's own diagnostics). */
export function locationAt(sf: ts.SourceFile, start: number, length: number, root: string): SourceLocation {
  return locateOffset(relativeFile(sf, root), sf.text, start, length, sf.getLineStarts());
}

/** A diagnostic's location at the start of a file (a problem with the file as a whole). */
export function fileStart(sf: ts.SourceFile, root: string): SourceLocation {
  return locate({ file: relativeFile(sf, root), line: 1, column: 1 }, sf.text);
}

/** The characters of a node on its first line: the underline of a diagnostic at it. */
export function nodeLength(node: ts.Node): number {
  const start = node.getStart();
  const end = Math.min(node.getEnd(), node.getSourceFile().getLineEndOfPosition(start));
  return Math.max(1, end - start);
}
