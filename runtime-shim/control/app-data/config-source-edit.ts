// Sets values in gati.config's source text, touching nothing else (comments, spreads, formatting
// stay). A script config (.ts/.mts/.js/.mjs) is edited in the object literal after `export default`
// (inside `defineConfig(...)` or not), found by a small scanner that skips strings, template
// literals and comments; a JSON config is parsed and written back with two-space indentation.
// What cannot be edited safely (a value that is not written as a literal, a key a spread would
// shadow) is an error naming the path, never a guess.

/** A value, or a flat object written whole (`replicas: { min: 2, max: 8 }`: safe beside a spread, as it holds every key). */
export type Literal = string | number | boolean | Record<string, string | number | boolean>;

export class ConfigEditError extends Error {}

/** `values`: dotted path → new value. */
export function editConfigSource(source: string, fileName: string, values: Record<string, Literal>): string {
  if (fileName.endsWith('.json')) return editJson(source, values);
  if (/\.ya?ml$/.test(fileName)) throw new ConfigEditError(`${fileName} is YAML: the panel edits only script and JSON configs; change it by hand`);
  let text = source;
  for (const [path, value] of Object.entries(values)) text = setPath(text, rootObject(text, fileName), path.split('.'), value);
  return text;
}

function editJson(source: string, values: Record<string, Literal>): string {
  const config = JSON.parse(source) as Record<string, unknown>;
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    let o = config;
    for (const k of keys.slice(0, -1)) {
      const next = o[k];
      if (next === undefined) o = o[k] = {};
      else if (next && typeof next === 'object' && !Array.isArray(next)) o = next as Record<string, unknown>;
      else throw new ConfigEditError(`${path}: ${k} is not an object in the config`);
    }
    o[keys[keys.length - 1]!] = value;
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

function rootObject(text: string, fileName: string): number {
  const at = scanFor(text, 0, /export\s+default\b/y);
  if (at < 0) throw new ConfigEditError(`${fileName} has no \`export default\``);
  for (let i = at; i < text.length; i = skip(text, i)) {
    if (text[i] === '{') return i;
    if (text[i] === ';') break;
  }
  throw new ConfigEditError(`${fileName}: the default export is not an object literal`);
}

/** The index where `re` (sticky) matches outside strings and comments, from `from`; -1 if nowhere. */
function scanFor(text: string, from: number, re: RegExp): number {
  for (let i = from; i < text.length; i = skip(text, i)) {
    re.lastIndex = i;
    if (re.test(text)) return re.lastIndex;
  }
  return -1;
}

/** The index after the token at `i`: a whole string, template literal or comment, else one character. */
function skip(text: string, i: number): number {
  const c = text[i];
  if (c === '/' && text[i + 1] === '/') return endOf(text, '\n', i + 2);
  if (c === '/' && text[i + 1] === '*') return endOf(text, '*/', i + 2) + 1;
  if (c === '"' || c === "'" || c === '`') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === c) return j + 1;
    }
    return text.length;
  }
  return i + 1;
}
const endOf = (text: string, s: string, from: number) => (text.indexOf(s, from) < 0 ? text.length : text.indexOf(s, from) + 1);

interface Property { key: string; keyStart: number; valueStart: number; valueEnd: number }

/** The properties of the object literal opening at `open`, and where it closes. */
function properties(text: string, open: number): { props: Property[]; close: number; spread: boolean } {
  const props: Property[] = [];
  let spread = false;
  let depth = 0;
  let entryStart = open + 1;
  let current: Property | undefined;
  for (let i = open + 1; i < text.length; ) {
    const c = text[i]!;
    if (depth === 0 && (c === ',' || c === '}')) {
      if (current) props.push({ ...current, valueEnd: trimEnd(text, i) });
      current = undefined;
      if (c === '}') return { props, close: i, spread };
      entryStart = i + 1;
      i++;
      continue;
    }
    if (depth === 0 && !current) {
      const entry = /\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(\.\.\.|([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*(:)?/y;
      entry.lastIndex = entryStart === i ? i : entryStart;
      const m = entry.exec(text);
      if (m && m[1] === '...') spread = true;
      else if (m && m[5]) {
        current = { key: m[2] ?? m[3] ?? m[4]!, keyStart: m.index + m[0].indexOf(m[1]!), valueStart: skipSpace(text, entry.lastIndex), valueEnd: -1 };
        i = entry.lastIndex;
        entryStart = -1;
        continue;
      }
      entryStart = -1;
    }
    if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    i = skip(text, i);
  }
  throw new ConfigEditError('the config object is not closed');
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}
function trimEnd(text: string, i: number): number {
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}

function setPath(text: string, open: number, keys: string[], value: Literal): string {
  const { props, close, spread } = properties(text, open);
  const [key, ...rest] = keys as [string, ...string[]];
  const found = props.find((p) => p.key === key);
  if (found) {
    if (rest.length === 0) return text.slice(0, found.valueStart) + literal(value) + text.slice(found.valueEnd);
    if (text[found.valueStart] !== '{') throw new ConfigEditError(`${key} is not written as an object literal in the config (it is \`${text.slice(found.valueStart, Math.min(found.valueEnd, found.valueStart + 40))}\`): change it by hand`);
    return setPath(text, found.valueStart, rest, value);
  }
  // A new key after a spread shadows what the spread gave it: only a whole leaf value is safe.
  if (spread && rest.length > 0) throw new ConfigEditError(`${key} may come from a spread (\`...\`) in the config: adding it here would hide the rest of it; change it where it is defined`);
  return insert(text, open, close, props, key, rest.reduceRight<string>((inner, k) => `{ ${keyText(k)}: ${inner} }`, literal(value)));
}

function insert(text: string, open: number, close: number, props: Property[], key: string, valueText: string): string {
  const entry = `${keyText(key)}: ${valueText}`;
  const inner = text.slice(open + 1, close);
  if (inner.trim() === '') return `${text.slice(0, open + 1)} ${entry} ${text.slice(close)}`;
  const last = trimEnd(text, close);
  const comma = text[last - 1] === ',' ? '' : ',';
  if (!inner.includes('\n')) return `${text.slice(0, last)}${comma} ${entry}${text.slice(last)}`;
  // Multi-line: a new line with the indentation of the last property.
  const anchor = props.length ? props[props.length - 1]!.keyStart : last;
  const lineStart = text.lastIndexOf('\n', anchor) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  return `${text.slice(0, last)}${comma}\n${indent}${entry},${text.slice(last)}`;
}

const keyText = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k}'`);

function literal(v: Literal): string {
  if (typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${keyText(k)}: ${literal(x)}`).join(', ')} }`;
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  return String(v);
}
