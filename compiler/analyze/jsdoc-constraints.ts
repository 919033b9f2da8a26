// JSDoc constraints (`@pattern ^[A-Z]{3}$`) on a property, and on the type aliases a property's
// type or a record's key type refers to. The checker resolves `type Currency = string` to plain
// `string`, which remembers no alias, so an alias's constraints are found from the syntax that
// names it: the property's type annotation, or the key argument of `Record<Currency, V>`.
import ts from '../typescript.cjs';
import { isConstraintName, jsDocValue, type Constraint } from './constraints.js';

export function jsDocConstraints(symbol: ts.Symbol, checker: ts.TypeChecker): Constraint[] {
  const out: Constraint[] = [];
  for (const tag of symbol.getJsDocTags(checker)) {
    if (!isConstraintName(tag.name) || tag.name === 'type') continue;
    const text = ts.displayPartsToString(tag.text);
    out.push({ name: tag.name, value: jsDocValue(tag.name, text), source: `@${tag.name} ${text}`.trim() });
  }
  return out;
}

/** The type alias `node` names (through imports), or undefined when it names something else. */
function aliasDeclaration(node: ts.TypeNode | undefined, checker: ts.TypeChecker): { symbol: ts.Symbol; decl: ts.TypeAliasDeclaration } | undefined {
  if (!node || !ts.isTypeReferenceNode(node)) return undefined;
  let symbol = checker.getSymbolAtLocation(node.typeName);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const decl = symbol?.declarations?.find(ts.isTypeAliasDeclaration);
  return symbol && decl ? { symbol, decl } : undefined;
}

/**
 * The constraints of the aliases `node` goes through (`type Code = Currency`), innermost first so
 * that an outer alias's tag wins over an inner one's. Only non-generic aliases: a generic one's
 * tags describe what it builds, not its argument.
 */
export function aliasConstraints(node: ts.TypeNode | undefined, checker: ts.TypeChecker): Constraint[] {
  const chain: Constraint[][] = [];
  const seen = new Set<ts.Node>();
  for (let alias = aliasDeclaration(node, checker); alias && !seen.has(alias.decl) && !alias.decl.typeParameters; alias = aliasDeclaration(alias.decl.type, checker)) {
    seen.add(alias.decl);
    chain.unshift(jsDocConstraints(alias.symbol, checker));
  }
  return chain.flat();
}

/**
 * The syntax of a record's key type: `K` in `Record<K, V>`, `{ [P in K]: V }` or `{ [key: K]: V }`,
 * also behind non-generic aliases (`type Rates = Record<Currency, number>`).
 */
export function recordKeyNode(node: ts.TypeNode | undefined, checker: ts.TypeChecker): ts.TypeNode | undefined {
  const seen = new Set<ts.Node>();
  while (node && !seen.has(node)) {
    seen.add(node);
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === 'Record' && node.typeArguments?.length === 2) return node.typeArguments[0];
    if (ts.isMappedTypeNode(node)) return node.typeParameter.constraint;
    if (ts.isTypeLiteralNode(node)) {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      return index?.parameters[0]?.type;
    }
    const alias = aliasDeclaration(node, checker);
    node = alias && !alias.decl.typeParameters ? alias.decl.type : undefined;
  }
  return undefined;
}
