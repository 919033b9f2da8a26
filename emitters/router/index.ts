// The route table emitter: a static radix tree emitted as JavaScript, so the server registers no
// routes at start-up. `emitRouter(routes)` returns the source of an ES module exporting
// `match(method, path)`; see README.md "Route matching" for the rules it implements.
//
// Shape of the generated code:
//   - one function per method (`m_GET`, `m_POST`, …) walking the path with `charCodeAt`, in the
//     order static > param > wildcard at every position. Each success is a `return`, so a failed
//     branch falls through to the next alternative: backtracking costs no state.
//   - param and wildcard values are kept as (start, end) indices in locals and sliced only at the
//     route that matches; they are URL-decoded only when the path holds a '%'.
//   - `anyMask` walks the union of all methods' trees and ORs the methods whose routes match, for
//     the 405 `allow` list; it runs only after the request's own method failed.
//   - a subtree whose code grows large is hoisted into its own function, so that no generated
//     function gets too big for V8's optimizing compiler.
import { HTTP_METHODS } from '../../model/app-model.js';
import { checkPath } from '../../model/route-string.js';
import { GENERATED_HEADER } from '../artifact.js';

export interface RouterRoute {
  method: string;
  path: string;
}

/** The 405 `allow` order; WS is its own tree and never part of an `Allow` header. */
export const ALLOW_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const METHOD_BIT: Record<string, number> = { GET: 1, HEAD: 2, POST: 4, PUT: 8, PATCH: 16, DELETE: 32, OPTIONS: 64, WS: 128 };
const HTTP_MASK = 127;

/**
 * Generated code of a subtree longer than this (in characters, before indentation) moves into its
 * own function: smaller functions optimize sooner, and a deoptimization (a branch that real traffic
 * reaches late) throws away one subtree's code instead of a whole method's.
 */
export const DEFAULT_SPLIT_CHARS = 800;

export interface EmitRouterOptions {
  /** See DEFAULT_SPLIT_CHARS. */
  splitChars?: number;
}

interface Terminal {
  route: number;
  /** Param names in path order; '*' last for a wildcard. */
  names: string[];
  label: string;
}

interface Node {
  statics: Map<string, Node>;
  param: Node | null;
  /** Routes that end at this node, by method. */
  end: Map<string, Terminal>;
  /** Routes with a `*` after this node, by method. */
  wild: Map<string, Terminal>;
  /** Bit set of the methods that have a route at or below this node. */
  below: number;
}

const newNode = (): Node => ({ statics: new Map(), param: null, end: new Map(), wild: new Map(), below: 0 });

function buildTree(routes: readonly RouterRoute[]): Node {
  const root = newNode();
  routes.forEach((r, index) => {
    if (!(HTTP_METHODS as readonly string[]).includes(r.method)) throw new Error(`emitRouter: route ${index} has an unknown method '${r.method}'`);
    const checked = checkPath(r.path);
    if (!checked.ok) throw new Error(`emitRouter: route ${index} (${r.method} ${r.path}): ${checked.reason}`);
    const bit = METHOD_BIT[r.method]!;
    const segments = checked.path === '/' ? [] : checked.path.slice(1).split('/');
    const names: string[] = [];
    let node = root;
    node.below |= bit;
    let wildcard = false;
    for (const segment of segments) {
      if (segment === '*') {
        wildcard = true;
        names.push('*');
        break;
      }
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        node = node.param ??= newNode();
      } else {
        let next = node.statics.get(segment);
        if (!next) node.statics.set(segment, (next = newNode()));
        node = next;
      }
      node.below |= bit;
    }
    const slot = wildcard ? node.wild : node.end;
    const previous = slot.get(r.method);
    if (previous) throw new Error(`emitRouter: routes ${previous.route} (${previous.label}) and ${index} (${r.method} ${r.path}) match the same paths`);
    slot.set(r.method, { route: index, names, label: `${r.method} ${checked.path}` });
  });
  return root;
}

/** Object literal key; `__proto__` must be computed or it would set the prototype. */
const key = (name: string) => (name === '__proto__' ? '["__proto__"]' : JSON.stringify(name));

interface Capture {
  start: string;
  end: string;
}

class Emitter {
  helpers: string[] = [];
  constants: string[] = [];
  private helperCount = 0;

  constructor(private readonly splitChars: number) {}

  /** `return`s the match for a terminal; `captures` are the `:param` bounds on the way down. */
  terminal(t: Terminal, captures: Capture[], wildStart: string | null): string {
    const values = captures.map((c) => `path.slice(${c.start}, ${c.end})`);
    if (wildStart !== null) values.push(wildStart === 'n' ? "''" : `path.slice(${wildStart}, n)`);
    if (values.length !== t.names.length) throw new Error(`emitRouter: internal error at ${t.label}`);
    const comment = `// ${t.label}`;
    if (values.length === 0) return `${comment}\nreturn { route: ${t.route}, params: {} };`;
    if (captures.length === 0 && wildStart === 'n') return `${comment}\nreturn { route: ${t.route}, params: { ${key('*')}: '' } };`;
    const fields = t.names.map((name, i) => `${key(name)}: ${values[i]}`).join(', ');
    const namesConst = `N${t.route}`;
    this.constants.push(`const ${namesConst} = ${JSON.stringify(t.names)};`);
    return `${comment}\nif (path.indexOf('%') === -1) return { route: ${t.route}, params: { ${fields} } };\nreturn decoded(${t.route}, ${namesConst}, [${values.join(', ')}]);`;
  }

  /** Code for `node` in the tree of `method`; `i` names the index of the '/' before the next segment, or `n` at the end. */
  methodNode(node: Node, method: string, bit: number, depth: number, i: string, captures: Capture[]): string {
    const end = node.end.get(method);
    const wild = node.wild.get(method);
    let atEnd = '';
    if (end) atEnd = this.terminal(end, captures, null);
    else if (wild) atEnd = this.terminal(wild, captures, 'n');

    const a = `a${depth}`;
    const inner: string[] = [];
    const statics = [...node.statics].filter(([, child]) => child.below & bit).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    if (statics.length) {
      inner.push(this.staticDispatch(statics, a, depth, (child, next) => this.child(child, (ni) => this.methodNode(child, method, bit, depth + 1, ni, captures), next, captures, 'route')));
    }
    if (node.param && node.param.below & bit) {
      const j = `j${depth}`;
      const child = node.param;
      const caps = [...captures, { start: a, end: j }];
      inner.push(`{\nlet ${j} = ${a};\nwhile (${j} < n && path.charCodeAt(${j}) !== 47) ${j}++;\nif (${j} > ${a}) {\n${this.child(child, (ni) => this.methodNode(child, method, bit, depth + 1, ni, caps), j, caps, 'route')}\n}\n}`);
    }
    if (wild) inner.push(this.terminal(wild, captures, a));
    if (!inner.length) return atEnd ? `if (${i} === n) {\n${atEnd}\n}` : '';
    const walk = `const ${a} = ${i} + 1;\n${inner.join('\n')}`;
    return atEnd ? `if (${i} === n) {\n${atEnd}\n} else {\n${walk}\n}` : `if (${i} !== n) {\n${walk}\n}`;
  }

  /** Code for `node` in the union tree: ORs into `m` the methods of every route that matches. */
  maskNode(node: Node, depth: number, i: string): string {
    let endBits = 0;
    for (const m of node.end.keys()) endBits |= METHOD_BIT[m]!;
    let wildBits = 0;
    for (const m of node.wild.keys()) wildBits |= METHOD_BIT[m]!;
    const a = `a${depth}`;
    const inner: string[] = [];
    const statics = [...node.statics].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    if (statics.length) {
      inner.push(this.staticDispatch(statics, a, depth, (child, next) => this.child(child, (ni) => this.maskNode(child, depth + 1, ni), next, [], 'mask')));
    }
    if (node.param) {
      const j = `j${depth}`;
      const child = node.param;
      inner.push(`{\nlet ${j} = ${a};\nwhile (${j} < n && path.charCodeAt(${j}) !== 47) ${j}++;\nif (${j} > ${a}) {\n${this.child(child, (ni) => this.maskNode(child, depth + 1, ni), j, [], 'mask')}\n}\n}`);
    }
    if (wildBits) inner.push(`m |= ${wildBits};`);
    const atEnd = endBits | wildBits ? `m |= ${endBits | wildBits};` : '';
    if (!inner.length) return atEnd ? `if (${i} === n) ${atEnd}` : '';
    const walk = `const ${a} = ${i} + 1;\n${inner.join('\n')}`;
    return atEnd ? `if (${i} === n) {\n${atEnd}\n} else {\n${walk}\n}` : `if (${i} !== n) {\n${walk}\n}`;
  }

  /** Matches one static segment among `statics` at `a`, switching on its first character. */
  private staticDispatch(statics: [string, Node][], a: string, depth: number, body: (child: Node, next: string) => string): string {
    const byFirst = new Map<number, [string, Node][]>();
    for (const entry of statics) {
      const c = entry[0].charCodeAt(0);
      byFirst.set(c, [...(byFirst.get(c) ?? []), entry]);
    }
    const next = `i${depth + 1}`;
    const candidates = (list: [string, Node][]) =>
      list
        .map(([literal, child]) => {
          const checks: string[] = [];
          for (let k = 1; k < literal.length; k++) checks.push(`path.charCodeAt(${a} + ${k}) === ${literal.charCodeAt(k)}`);
          checks.push(`(${a} + ${literal.length} === n || path.charCodeAt(${a} + ${literal.length}) === 47)`);
          return `if (${checks.join(' && ')}) {\n// ${literal}\nconst ${next} = ${a} + ${literal.length};\n${body(child, next)}\n}`;
        })
        .join(' else ');
    if (byFirst.size === 1) {
      const [[c, list]] = [...byFirst];
      return `if (path.charCodeAt(${a}) === ${c}) {\n${candidates(list!)}\n}`;
    }
    const cases = [...byFirst].map(([c, list]) => `case ${c}:\n${candidates(list)}\nbreak;`);
    return `switch (path.charCodeAt(${a})) {\n${cases.join('\n')}\n}`;
  }

  /** The code of a child subtree, inline, or hoisted into a helper function when it is large. */
  private child(_node: Node, gen: (i: string) => string, i: string, captures: Capture[], kind: 'route' | 'mask'): string {
    const code = gen(i);
    if (code.length <= this.splitChars) return code;
    const name = `h${this.helperCount++}`;
    const params = [...new Set(['path', 'n', i, ...captures.flatMap((c) => [c.start, c.end])])];
    if (kind === 'route') {
      this.helpers.push(`function ${name}(${params.join(', ')}) {\n${code}\nreturn null;\n}`);
      return `{\nconst r = ${name}(${params.join(', ')});\nif (r !== null) return r;\n}`;
    }
    this.helpers.push(`function ${name}(${params.join(', ')}) {\nlet m = 0;\n${code}\nreturn m;\n}`);
    return `m |= ${name}(${params.join(', ')});`;
  }
}

/** Indents generated code by brace depth, for readable output. */
function indent(code: string): string {
  let level = 0;
  const out: string[] = [];
  for (const raw of code.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const closes = /^[}\]]/.test(line) ? 1 : 0;
    const isCase = /^(case |default:)/.test(line) ? 1 : 0;
    out.push('  '.repeat(Math.max(0, level - closes - isCase)) + line);
    if (!line.startsWith('//')) {
      for (const ch of line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '')) {
        if (ch === '{') level++;
        else if (ch === '}') level--;
      }
    }
  }
  return out.join('\n');
}

/**
 * The route table as an ES module exporting `match(method, path)`. `path` is the URL path without
 * its query string, still percent-encoded. The result is `{ route, params }` (`route` indexes
 * `routes`), `{ allow }` when only other methods have the path (405), `{ badEncoding: true }` when a
 * param is not valid percent-encoding (400), or `null` (404).
 */
export function emitRouter(routes: readonly RouterRoute[], options: EmitRouterOptions = {}): string {
  const root = buildTree(routes);
  const emitter = new Emitter(options.splitChars ?? DEFAULT_SPLIT_CHARS);
  const methods = HTTP_METHODS.filter((m) => root.below & METHOD_BIT[m]!);

  const methodFns = methods.map((m) => {
    const body = emitter.methodNode(root, m, METHOD_BIT[m]!, 1, 'i1', []);
    return `function m_${m}(path, n) {\nconst i1 = 0;\n${body}\nreturn null;\n}`;
  });
  const maskFn = `function anyMask(path, n) {\nlet m = 0;\nconst i1 = 0;\n${emitter.maskNode(root, 1, 'i1')}\nreturn m;\n}`;

  const cases = methods.map((m) => {
    if (m === 'HEAD') return `case 'HEAD':\nr = m_HEAD(path, n);\n${methods.includes('GET') ? 'if (r === null) r = m_GET(path, n);\n' : ''}break;`;
    return `case '${m}':\nr = m_${m}(path, n);\nbreak;`;
  });
  if (!methods.includes('HEAD') && methods.includes('GET')) cases.splice(1, 0, `case 'HEAD':\nr = m_GET(path, n);\nbreak;`);

  const allowLists = ALLOW_ORDER.map((m, b) => [m, 1 << b] as const);
  const source = `// ${GENERATED_HEADER}
// Route table: ${routes.length} route${routes.length === 1 ? '' : 's'}. match(method, path) → { route, params } | { allow } | { badEncoding: true } | null
const BAD = Object.freeze({ badEncoding: true });
const ALLOW = [];
const ALLOW_BITS = ${JSON.stringify(allowLists)};
${[...new Set(emitter.constants)].join('\n')}

function decoded(route, names, values) {
const params = {};
for (let k = 0; k < names.length; k++) {
let value = values[k];
if (value.indexOf('%') !== -1) {
try {
value = decodeURIComponent(value);
} catch {
return BAD;
}
}
Object.defineProperty(params, names[k], { value, writable: true, enumerable: true, configurable: true });
}
return { route, params };
}

function allowed(path, n) {
let m = anyMask(path, n) & ${HTTP_MASK};
if (m === 0) return null;
if (m & 1) m |= 2;
let hit = ALLOW[m];
if (hit === undefined) {
const list = [];
for (const [name, bit] of ALLOW_BITS) if (m & bit) list.push(name);
hit = ALLOW[m] = Object.freeze({ allow: Object.freeze(list) });
}
return hit;
}

${methodFns.join('\n\n')}

${maskFn}
${emitter.helpers.length ? `\n${emitter.helpers.join('\n\n')}\n` : ''}
export function match(method, path) {
const len = path.length;
if (len === 0 || path.charCodeAt(0) !== 47) return null;
const n = path.charCodeAt(len - 1) === 47 ? len - 1 : len;
let r = null;
switch (method) {
${cases.join('\n')}
}
return r !== null ? r : allowed(path, n);
}
`;
  return `${indent(source)}\n`;
}
