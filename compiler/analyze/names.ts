// Module and effect names become property keys and string literals in generated code.
const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static',
  'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'arguments', 'eval', 'undefined',
  // Object.prototype keys: a module named like these would shadow or pollute prototype lookups.
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf',
]);

export type NameProblem = 'not-identifier' | 'reserved';

export function checkName(name: string): NameProblem | undefined {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) return 'not-identifier';
  return RESERVED.has(name) ? 'reserved' : undefined;
}

/** `src/modules/ledger.ts` → `ledger`. */
export function baseName(file: string): string {
  const slash = file.lastIndexOf('/');
  return file.slice(slash + 1).replace(/\.(m?ts|tsx|m?js|jsx)$/, '');
}
