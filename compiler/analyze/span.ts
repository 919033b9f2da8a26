import type ts from 'typescript';
import type { Span } from '../../model/gtype.js';
import { relPath } from '../discover/discover.js';

/** Relative paths by absolute path: spans are made for every property, path.relative is not free. */
const relativePaths = new Map<string, string>();

/** 1-based line and column of a node's first token, with the file relative to the app root. */
export function spanOf(node: ts.Node, root: string): Span {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const cacheKey = `${root}\0${sf.fileName}`;
  let file = relativePaths.get(cacheKey);
  if (file === undefined) relativePaths.set(cacheKey, (file = relPath(root, sf.fileName)));
  return { file, line: line + 1, column: character + 1 };
}
