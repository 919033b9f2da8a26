// The validators emitter: per route, one module with AJV standalone validators for params, query,
// headers, body and each declared response (checked in `gati dev`), a WebSocket route's `in` and
// `out` messages (wsIn, wsOut), plus the code that coerces
// URL strings and revives dates; per effect, its payload validator. All compiled here, at build
// time: the server imports plain functions and never compiles a schema.
//
// A module's text depends only on its schemas and the named types they reach, so a rebuild (the
// watch path) regenerates just the modules whose inputs changed: see ValidatorCache.
//
// The old API versions' validators are made here too, from their snapshots' types (versions.ts):
// one emitter, so every version coerces, treats unknown keys and reports errors the same way.
import { createHash } from 'node:crypto';
import type { AppModel, InputPart, RemoteModuleModel, RouteModel } from '../../model/app-model.js';
import { reachableTypeIds, resolveRef, type GType, type NamedType } from '../../model/gtype.js';
import { toJsonSchema, type JsonSchema } from '../schema/to-json-schema.js';
import { routeSchemaFile } from '../schema/index.js';
import { GENERATED_HEADER, type Artifact } from '../artifact.js';
import { createValidatorAjv, INLINE_MAX_KEYS, standaloneCode, type Ajv } from './ajv-instance.js';
import { reviveStatements, type ReviverCode } from './date-revivers.js';
import { inProcessSchema, markDates } from './in-process.js';
import { COERCE_HELPERS, coerceStatements } from './coercers.js';

export interface ValidatorOptions {
  /** validation.unknownKeys: 'strip' (default) removes undeclared keys, 'reject' answers 400. */
  unknownKeys: 'strip' | 'reject';
}

/** Module text by content hash, kept by a long-lived build (watch) between rebuilds. */
export type ValidatorCache = Map<string, string>;

const DEFS_ID = 'gati';
const ref = (id: string) => `${DEFS_ID}#/$defs/${id}`;
const URL_PARTS: InputPart[] = ['params', 'query', 'headers'];

export interface ModuleSpec {
  file: string;
  /** export name → schema */
  schemas: Record<string, JsonSchema>;
  /** Extra source appended after the validators (coercers, revivers). */
  extra: string;
  roots: GType[];
  /** An npm module's: checks in place, compiled by their own AJV instance (in-process.ts). */
  inProcess?: boolean;
}

export function emit(model: AppModel, options: ValidatorOptions, cache: ValidatorCache = new Map()): Artifact[] {
  const remote = model.remoteModules ?? [];
  const npm = remote.filter((m) => m.npm !== undefined);
  const specs: ModuleSpec[] = [
    ...model.routes.map((route) => routeModule(route, model.types)),
    ...model.effects.map((effect) => effectModule(effect, model.types)),
    ...remote.map((m) => remoteModuleSpec(m, model.types)),
    ...npm.map((m) => remoteModuleSpec(m, model.types, 'wire')),
  ];
  const artifacts: Artifact[] = [];
  const files: string[] = [];
  for (const { spec, key, text } of compileModules(specs, model.types, options, cache)) {
    // The content hash in the name gives an edited module a new URL: `gati dev` imports only what changed.
    const file = spec.file.replace(/\.mjs$/, `.${key.slice(0, 10)}.mjs`);
    files.push(file);
    artifacts.push({ path: `dist/validators/${file}`, contents: text });
  }
  artifacts.push({ path: 'dist/validators/index.mjs', contents: indexModule(model, files) });
  return artifacts;
}

/** Each module's text (from the cache when its content hash is there) and that hash. */
export function compileModules(specs: ModuleSpec[], types: Record<string, NamedType>, options: ValidatorOptions, cache: ValidatorCache): { spec: ModuleSpec; key: string; text: string }[] {
  // Created only if some module is not in the cache; the in-process one only for an npm module's.
  const compilers: { wire?: Compiler; inProcess?: Compiler } = {};
  return specs.map((spec) => {
    const key = hash(options.unknownKeys, spec, types);
    let text = cache.get(key);
    if (text === undefined) {
      const compiler = spec.inProcess ? (compilers.inProcess ??= instance(types, options, true)) : (compilers.wire ??= instance(types, options, false));
      text = moduleText(compiler, spec);
      cache.set(key, text);
    }
    return { spec, key, text };
  });
}

/** What a route module holds: its inputs (coerced, and revived for the handler) and/or its declared responses. */
export interface RouteParts {
  inputs: boolean;
  /** Revivers (dates): for the handler's input; an old version's request is migrated as JSON. */
  revive: boolean;
  outputs: boolean;
}

/** A route of the model or of a snapshot's surface. */
type RouteShape = Pick<RouteModel, 'typed' | 'input' | 'output' | 'bodyOptional' | 'ws'> & { method: string; path: string };

export function routeModule(route: RouteShape, types: Record<string, NamedType>, parts: RouteParts = { inputs: true, revive: true, outputs: true }, file = routeSchemaFile(route).replace(/\.json$/, '.mjs')): ModuleSpec {
  const schemas: Record<string, JsonSchema> = {};
  const extra: string[] = [];
  const roots: GType[] = [];
  const revivers: ReviverCode = { functions: new Map() };
  if (route.typed && parts.inputs) {
    for (const part of ['params', 'query', 'headers', 'body'] as InputPart[]) {
      const type = route.input[part];
      if (!type) continue;
      roots.push(type);
      const schema = toJsonSchema(part === 'body' ? type : resolveRef(type, types)!, ref);
      // Headers keep the request's other headers: only the declared ones are checked.
      if (part === 'headers') schema.additionalProperties = true;
      schemas[part] = schema;
      const Part = part[0]!.toUpperCase() + part.slice(1);
      if (URL_PARTS.includes(part)) {
        const coerce = coerceStatements(type, types);
        if (coerce) extra.push(`export function coerce${Part}(o) { ${coerce} }`);
      }
      const revive = parts.revive ? reviveStatements(type, 'v', types, revivers) : '';
      if (revive) extra.push(`export function revive${Part}(v) { ${revive} return v; }`);
    }
  }
  // `body?: T`: a request without a body is valid (checkBody skips the validator for it).
  if (route.typed && parts.inputs && route.input.body && route.bodyOptional) extra.push('export const bodyOptional = true;');
  if (route.typed && parts.outputs) {
    for (const [status, type] of Object.entries(route.output)) {
      if (type.kind === 'void' || type.kind === 'unknown') continue;
      roots.push(type);
      schemas[`s${status}`] = toJsonSchema(type, ref);
    }
  }
  if (route.ws) wsMessages(route.ws, types, parts, { schemas, extra, roots, revivers });
  if (extra.some((e) => e.includes('toNumber(') || e.includes('toBoolean('))) extra.unshift(COERCE_HELPERS);
  extra.unshift(...revivers.functions.values());
  return { file, schemas, extra: extra.join('\n'), roots };
}

/**
 * A WebSocket route's messages, named like the request parts: `wsIn` validates each incoming message
 * (its wire form: dates as ISO strings) and `reviveWsIn` turns those strings into Dates before
 * `message` runs; `wsOut` checks what the server sends, in `gati dev`, as the `s<status>` checkers
 * do for responses. `unknown` (an untyped side) gets no function.
 */
function wsMessages(ws: NonNullable<RouteShape['ws']>, types: Record<string, NamedType>, parts: RouteParts, into: { schemas: Record<string, JsonSchema>; extra: string[]; roots: GType[]; revivers: ReviverCode }): void {
  if (parts.inputs && ws.in.kind !== 'unknown') {
    into.roots.push(ws.in);
    into.schemas.wsIn = toJsonSchema(ws.in, ref);
    const revive = parts.revive ? reviveStatements(ws.in, 'v', types, into.revivers) : '';
    if (revive) into.extra.push(`export function reviveWsIn(v) { ${revive} return v; }`);
  }
  if (parts.outputs && ws.out.kind !== 'unknown') {
    into.roots.push(ws.out);
    into.schemas.wsOut = toJsonSchema(ws.out, ref);
  }
}

/**
 * An effect's payload validator checks the wire form (dates as ISO strings: enqueue sends the payload
 * through JSON first), and `revivePayload` turns those strings back into Dates before `run`, so the
 * effect gets the type it declares, in whichever process runs it.
 */
function effectModule(effect: AppModel['effects'][number], types: Record<string, NamedType>): ModuleSpec {
  const schemas: Record<string, JsonSchema> = {};
  if (effect.payload.kind !== 'unknown') schemas.payload = toJsonSchema(effect.payload, ref);
  const revivers: ReviverCode = { functions: new Map() };
  const revive = reviveStatements(effect.payload, 'v', types, revivers);
  const extra = revive ? [...revivers.functions.values(), `export function revivePayload(v) { ${revive} return v; }`].join('\n') : '';
  return { file: `effects/${effect.name}.mjs`, schemas, extra, roots: [effect.payload] };
}

/**
 * A config module's boundary (runtime-shim/modules/): per function, `args_<fn>` checks the array
 * of arguments sent and `result_<fn>` the answer, both in their wire form (dates as ISO strings);
 * `reviveResult_<fn>` turns the answer's date strings into Dates, and `argsWire_<fn>` says the
 * arguments hold dates, so they are checked as the service will read them (after JSON). An npm
 * module's calls are made in-process: its `args_<fn>` and `result_<fn>` check the values
 * themselves (in-process.ts), and there is nothing to revive. Its `form: 'wire'` module
 * (`modules/<name>.wire.mjs`) has the wire validators too, for a swap of it to a URL or a command.
 */
export function remoteModuleSpec(m: RemoteModuleModel, types: Record<string, NamedType>, form: 'wire' | 'default' = 'default'): ModuleSpec {
  const inProcess = m.npm !== undefined && form === 'default';
  const schemas: Record<string, JsonSchema> = {};
  const roots: GType[] = [];
  const revivers: ReviverCode = { functions: new Map() };
  const extra: string[] = [];
  for (const fn of m.functions) {
    const args: GType = { kind: 'tuple', elements: fn.params.map((p) => ({ name: p.name, optional: p.optional, rest: p.rest, type: p.rest && p.type.kind === 'array' ? p.type.items : p.type })) };
    roots.push(args, fn.result);
    schemas[`args_${fn.name}`] = toJsonSchema(inProcess ? markDates(args) : args, ref);
    if (!inProcess && reviveStatements(args, 'v', types, { functions: new Map() })) extra.push(`export const argsWire_${fn.name} = true;`);
    if (fn.result.kind === 'void' || fn.result.kind === 'unknown') continue;
    schemas[`result_${fn.name}`] = toJsonSchema(inProcess ? markDates(fn.result) : fn.result, ref);
    const revive = inProcess ? '' : reviveStatements(fn.result, 'v', types, revivers);
    if (revive) extra.push(`export function reviveResult_${fn.name}(v) { ${revive} return v; }`);
  }
  extra.unshift(...revivers.functions.values());
  return { file: `modules/${m.name}${form === 'wire' ? '.wire' : ''}.mjs`, schemas, extra: extra.join('\n'), roots, ...(inProcess ? { inProcess } : {}) };
}

interface Compiler {
  ajv: Ajv;
  /** The schema with the named types small enough copied in (see inliner), as this instance checks it. */
  inline: (schema: JsonSchema) => JsonSchema;
}

/** `inProcess`: the instance of an npm module's checks, its named types' dates marked as Dates (in-process.ts). */
function instance(types: Record<string, NamedType>, options: ValidatorOptions, inProcess: boolean): Compiler {
  const strip = options.unknownKeys !== 'reject';
  const ajv = createValidatorAjv({ strip, inProcess });
  const adapt = (schema: JsonSchema) => (inProcess ? inProcessSchema(forValidation(schema), strip) : forValidation(schema));
  const defs = Object.fromEntries(Object.entries(types).map(([id, t]) => [id, adapt(toJsonSchema(inProcess ? markDates(t.type) : t.type, ref))]));
  const inlineDefs = inliner(defs);
  ajv.addSchema({ $id: DEFS_ID, $defs: Object.fromEntries(Object.entries(defs).map(([id, schema]) => [id, inlineDefs(schema)])) });
  return { ajv, inline: (schema) => inlineDefs(adapt(schema)) };
}

/**
 * AJV compiles a `$ref` to a call of the named type's own function (an options object per call),
 * unless the type's schema has no `$ref` of its own and is small (inlineRefs). This copies in, as
 * well, the named types that are not recursive and whose schema, with the types it reaches, has at
 * most INLINE_MAX_KEYS keys: one function per root for most bodies. Errors keep their instancePath;
 * their schemaPath (which the runtime does not use) then names the property, not the type.
 */
function inliner(defs: Record<string, JsonSchema>): (schema: JsonSchema) => JsonSchema {
  const sizes = new Map<string, number>();
  const target = (node: Record<string, unknown>): string | undefined =>
    typeof node.$ref === 'string' && node.$ref.startsWith(`${DEFS_ID}#/$defs/`) ? node.$ref.slice(DEFS_ID.length + 8) : undefined;
  // A type that reaches one of the types being counted is in a cycle with it: Infinity, never copied.
  const size = (id: string, counting: Set<string>): number => {
    const known = sizes.get(id);
    if (known !== undefined) return known;
    if (counting.has(id) || !defs[id]) return Infinity;
    counting.add(id);
    const n = keys(defs[id], counting);
    counting.delete(id);
    sizes.set(id, n);
    return n;
  };
  const keys = (node: unknown, counting: Set<string>): number => {
    if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + keys(item, counting), 0);
    if (!node || typeof node !== 'object') return 0;
    const id = target(node as Record<string, unknown>);
    let n = id === undefined ? 0 : size(id, counting);
    for (const [key, value] of Object.entries(node)) if (key !== '$ref' || id === undefined) n += 1 + keys(value, counting);
    return n;
  };
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = inline(value);
    const id = target(out);
    if (id === undefined || size(id, new Set()) > INLINE_MAX_KEYS) return out;
    // The annotations beside the `$ref` (description, default) are the property's: they win.
    const { $ref: _, ...beside } = out;
    return { ...(inline(defs[id]) as Record<string, unknown>), ...beside };
  };
  return (schema) => inline(schema) as JsonSchema;
}

const NUMERIC_FORMATS = new Set(['int32', 'int64', 'uint32', 'uint64', 'float', 'double']);

/**
 * The schema as the validators check it: numeric formats are dropped, because `type: integer` and
 * the minimum/maximum the schema emitter derives from them already say everything they check (a
 * format call per number costs more than the rest of the check). The documented schemas keep them.
 */
function forValidation<T>(node: T): T {
  if (Array.isArray(node)) return node.map(forValidation) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'format' && NUMERIC_FORMATS.has(value as string) && ((node as Record<string, unknown>).type === 'integer' || (node as Record<string, unknown>).type === 'number')) continue;
    out[key] = forValidation(value);
  }
  return out as T;
}

let counter = 0;
function moduleText({ ajv, inline }: Compiler, spec: ModuleSpec): string {
  const exports: Record<string, string> = {};
  const aliases: string[] = [];
  for (const [name, schema] of Object.entries(spec.schemas)) {
    // A schema that only names a type exports that type's own function: a schema of its own would
    // compile to a function that just calls it, and would compile the types it reaches once more.
    const target = refOnly(schema);
    if (target) {
      const same = Object.keys(exports).find((other) => exports[other] === target);
      if (same) aliases.push(`export const ${name} = ${same};`); // AJV would emit the function twice
      else exports[name] = target;
      continue;
    }
    const id = `${name}_${counter++}`; // ids only need to be unique inside this AJV instance
    ajv.addSchema(inline(schema), id);
    exports[name] = id;
  }
  // AJV's standalone code reaches its helpers (ucs2length, ajv-formats) with require() of bare
  // package names: esbuild bundles them for `gati build`; `gati dev` loads these modules as they
  // are, with a `require` it provides (bin/commands/load-bundle.ts). No path of this machine ends up in the text.
  const code = Object.keys(exports).length ? [standaloneCode(ajv, exports), ...aliases].join('\n') : '';
  return `// ${GENERATED_HEADER}\n${code}\n${spec.extra}\n`;
}

/** Annotations only: AJV applies a `default` to properties and items, never to a root. */
const ROOT_ANNOTATIONS = new Set(['description', 'deprecated', 'default']);

function refOnly(schema: JsonSchema): string | undefined {
  const target = schema.$ref;
  if (typeof target !== 'string' || !target.startsWith(`${DEFS_ID}#/$defs/`)) return undefined;
  return Object.keys(schema).every((key) => key === '$ref' || ROOT_ANNOTATIONS.has(key)) ? target : undefined;
}

/** What a module's text depends on: its schemas, the named types they reach, and the options. */
function hash(unknownKeys: string, spec: ModuleSpec, types: Record<string, NamedType>): string {
  const ids = reachableTypeIds(spec.roots, types);
  const h = createHash('sha256');
  h.update(JSON.stringify([unknownKeys, spec.file, spec.schemas, spec.extra, spec.inProcess === true]));
  for (const id of ids) h.update(`${id}\0${JSON.stringify(types[id]!.type)}`);
  return h.digest('hex');
}

function indexModule(model: AppModel, files: string[]): string {
  const lines = [`// ${GENERATED_HEADER}`];
  model.routes.forEach((_, i) => lines.push(`import * as r${i} from './${files[i]}';`));
  model.effects.forEach((_, i) => lines.push(`import * as e${i} from './${files[model.routes.length + i]}';`));
  const remote = model.remoteModules ?? [];
  remote.forEach((_, i) => lines.push(`import * as m${i} from './${files[model.routes.length + model.effects.length + i]}';`));
  const npm = remote.filter((m) => m.npm !== undefined);
  const first = model.routes.length + model.effects.length + remote.length;
  npm.forEach((_, i) => lines.push(`import * as w${i} from './${files[first + i]}';`));
  lines.push('', '/** Per route, in the order of the route table. */', `export const routes = [${model.routes.map((_, i) => `r${i}`).join(', ')}];`);
  lines.push('', '/** Per effect name: its payload validator module. */', `export const effects = { ${model.effects.map((e, i) => `${JSON.stringify(e.name)}: e${i}`).join(', ')} };`);
  lines.push('', '/** Per config module with types (an interface file, or an npm package\'s declarations): its arguments and results validators. */', `export const modules = { ${remote.map((m, i) => `${JSON.stringify(m.name)}: m${i}`).join(', ')} };`);
  lines.push('', '/** Per npm module with types: the wire-form validators (as a service\'s), for a swap of it to a URL or a command. */', `export const wireModules = { ${npm.map((m, i) => `${JSON.stringify(m.name)}: w${i}`).join(', ')} };`, '');
  return lines.join('\n');
}
