import type ts from 'typescript';
import type { Span } from '../model/gtype.js';
import { relPath } from '../discover/discover.js';

/** 1-based line and column of a node's first token, with the file relative to the app root. */
export function spanOf(node: ts.Node, root: string): Span {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return { file: relPath(root, sf.fileName), line: line + 1, column: character + 1 };
}
