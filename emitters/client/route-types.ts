// Per route: the input the caller passes and the result union over the declared statuses, as
// TypeScript text. Input parts follow docs/handlers.md: params (path params, always required), query,
// headers (optional when every key is) and body.
import type { AppModel, RouteModel } from '../../model/app-model.js';
import { resolveRef, type GType } from '../../model/gtype.js';
import { propertyKey, wireType, type TypeNamer } from './wire-types.js';

export interface RouteTypes {
  /** The input object type. */
  input: string;
  /** Whether the whole input may be left out (no required part). */
  inputOptional: boolean;
  /** The result union. */
  result: string;
  /** Declared statuses, ascending. */
  statuses: number[];
}

export function routeTypes(route: RouteModel, model: AppModel, name: TypeNamer): RouteTypes {
  const indent = '      ';
  const parts: string[] = [];
  let required = false;
  const add = (key: string, type: string, optional: boolean) => {
    parts.push(`${indent}${key}${optional ? '?' : ''}: ${type};\n`);
    if (!optional) required = true;
  };
  const params = paramsType(route, name, indent);
  if (params) add('params', params, false);
  if (route.typed) {
    for (const part of ['query', 'headers'] as const) {
      const t = route.input[part];
      if (t) add(part, wireType(t, name, indent), allOptional(t, model));
    }
    const body = route.input.body;
    if (body) add('body', wireType(body, name, indent), body.kind === 'unknown' || route.bodyOptional === true);
  } else {
    // An untyped handler validates nothing: any query, headers and body go through.
    add('query', '{ [key: string]: string | string[] }', true);
    add('headers', '{ [key: string]: string }', true);
    if (route.method !== 'GET' && route.method !== 'HEAD' && route.method !== 'WS') add('body', 'unknown', true);
  }
  const input = parts.length ? `{\n${parts.join('')}    }` : '{ [key: string]: never }';
  const statuses = Object.keys(route.output).map(Number).sort((a, b) => a - b);
  const result = statuses.map((status) => {
    const t = route.output[String(status)]!;
    const data = t.kind === 'void' ? 'undefined' : wireType(t, name, '      ');
    return `\n      | { status: ${status}; data: ${data}; headers: ResponseHeaders }`;
  }).join('');
  return { input, inputOptional: !required, result, statuses };
}

/** Declared params, plus the path params they leave out (strings), so every `:name` must be given. */
function paramsType(route: RouteModel, name: TypeNamer, indent: string): string | undefined {
  if (route.pathParams.length === 0) return undefined;
  const declared = route.typed ? route.input.params : undefined;
  if (declared && declared.kind === 'object') {
    const missing = route.pathParams.filter((p) => !declared.properties.some((d) => d.name === p));
    const extra = missing.map((p) => ({ name: p, type: { kind: 'string' } as GType, optional: false, readonly: false }));
    return wireType({ ...declared, properties: [...declared.properties, ...extra] }, name, indent);
  }
  if (declared) return wireType(declared, name, indent);
  return `{ ${route.pathParams.map((p) => `${propertyKey(p)}: string`).join('; ')} }`;
}

function allOptional(t: GType, model: AppModel): boolean {
  const resolved = resolveRef(t, model.types);
  if (resolved?.kind === 'object') return resolved.properties.every((p) => p.optional);
  return resolved?.kind === 'record' || resolved?.kind === 'unknown';
}
